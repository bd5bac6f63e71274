/** Prints measured figures from a test, so a run shows them. */
export declare function printFigures(title: string, figures: Record<string, string | number>): void;
