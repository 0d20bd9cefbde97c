// Types for check-line-width.mjs, so that its unit test typechecks.
export declare const MAX_LINE_WIDTH: number;
export declare function isChecked(file: string): boolean;
export declare function longLines(text: string, max?: number): { line: number; length: number }[];
export declare function checkLineWidth(root: string, max?: number): string[];
