// How the node's messages write numbers and sentences.

/** Grouped digits, and the noun agreeing with the number. */
export const count = (value: number, one: string, many = `${one}s`) =>
	`${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;

/** Credits to a hundredth, as Crustdata bills fractions of a credit. */
export const creditsText = (credits: number) => count(Math.round(credits * 100) / 100, 'credit');

/**
 * Sentences joined as n8n's UI text rules want them: one sentence has no closing period, more
 * than one always end with one, however many each part already holds.
 */
export function sentences(...parts: string[]): string {
	const text = parts
		.map((part) => part.replace(/\.$/, ''))
		.filter(Boolean)
		.join('. ');
	return /\. [A-Z0-9]/.test(text) ? `${text}.` : text;
}

/** The most of one value a message quotes: an input can be any size, a message should not be. */
const LONGEST_QUOTE = 100;

/** A value as a message shows it: cut short when long. */
export const clipped = (text: string) => (text.length > LONGEST_QUOTE ? `${text.slice(0, LONGEST_QUOTE)}…` : text);

/** A value quoted in a message, cut short when long. */
export const quoted = (text: string) => `"${clipped(text)}"`;
