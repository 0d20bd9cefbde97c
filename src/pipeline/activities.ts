/**
 * Activities are plain async functions built from their dependencies, so
 * tests swap only the outside world. Workflows import this module's *type*.
 */
export function createActivities() {
  return {
    async echo(message: string): Promise<string> {
      return message;
    },
  };
}

export type PipelineActivities = ReturnType<typeof createActivities>;
