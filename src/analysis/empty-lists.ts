/**
 * The lists of an analysis that hold what a call contained, all empty: the
 * start of an analysis written without the LLM (a silent call, a legacy
 * document read into today's shape), which then fills in what it knows.
 */
export function emptyFindings() {
  return {
    executiveSummaryBullets: [],
    sections: [],
    keyDiscussionPoints: [],
    actionItems: [],
    nextSteps: [],
    importantDates: [],
    decisions: [],
    commitments: [],
    openQuestions: [],
    risks: [],
    opportunities: [],
    peopleMentioned: [],
    numbersAndAmounts: [],
  };
}
