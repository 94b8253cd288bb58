/** What each benchmark reports: readable lines and named figures (saved as JSON by the runner). */
export interface BenchResult {
  readonly name: string;
  readonly lines: string[];
  readonly figures: Record<string, number>;
}
