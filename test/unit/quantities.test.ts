import { count, creditsText, sentences } from '../../nodes/CrustdataPersonEnrich/quantities';

describe('count and creditsText', () => {
	it('group digits and agree the noun with the number, credits to a hundredth', () => {
		expect(count(1, 'input')).toBe('1 input');
		expect(count(1200, 'retry', 'retries')).toBe('1,200 retries');
		expect(creditsText(1)).toBe('1 credit');
		expect(creditsText(2.504)).toBe('2.5 credits');
	});
});

describe('sentences', () => {
	it("follows n8n's UI text rule: no closing period for one sentence, always one for more", () => {
		expect(sentences('Fix it')).toBe('Fix it');
		expect(sentences('Fix it', '')).toBe('Fix it');
		expect(sentences('2 inputs were left unsent', 'Raise Max Credits')).toBe('2 inputs were left unsent. Raise Max Credits.');
		expect(sentences('One. Two.', 'Three')).toBe('One. Two. Three.');
		expect(sentences('One. Two.')).toBe('One. Two.');
		expect(sentences('Paced at 1.5 requests a second')).toBe('Paced at 1.5 requests a second');
		expect(sentences()).toBe('');
	});
});
