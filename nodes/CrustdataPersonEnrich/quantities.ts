/** Numbers as the node's messages write them: grouped digits, and the noun agreeing with the number. */

export const count = (value: number, one: string, many = `${one}s`) =>
	`${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;

/** Credits to a hundredth, as Crustdata bills fractions of a credit. */
export const creditsText = (credits: number) => count(Math.round(credits * 100) / 100, 'credit');
