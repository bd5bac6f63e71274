import { bisect, rejectedFailure, withoutNamed, type Job } from '../../nodes/CrustdataPersonEnrich/transport/bisection';

const job = (identifiers: string[], bisection?: Job['bisection']): Job => ({ identifiers, attempt: 1, bisection });

describe('withoutNamed', () => {
	it('fails the identifiers a 400 names and sends the others again, without them', () => {
		const after = withoutNamed(job(['a', 'b', 'c']), ['b'], 'Invalid business emails: b');
		expect(after.failures).toEqual([['b', rejectedFailure('b', 'Invalid business emails: b', true)]]);
		expect(after.failures[0][1].message).toBe('Crustdata rejected "b": Invalid business emails');
		expect(after.resend).toEqual([{ identifiers: ['a', 'c'], attempt: 0 }]);
		expect(after.stop).toBeUndefined();
	});

	it('sends nothing again when every identifier was named, and says so in the fix', () => {
		const after = withoutNamed(job(['a']), ['a'], 'Invalid');
		expect(after.resend).toEqual([]);
		expect(after.failures[0][1].description).toBe('Correct the identifier in the input item');
	});
});

describe('bisect', () => {
	it('halves a refused request, both halves counted in the same bisection', () => {
		const after = bisect(job(['a', 'b', 'c']), 'Invalid request');
		expect(after.resend.map((half) => half.identifiers)).toEqual([['a', 'b'], ['c']]);
		expect(after.resend[0].bisection).toBe(after.resend[1].bisection);
		expect(after.resend[0].bisection).toEqual({ refused: 1, answered: 0 });
		expect(after.failures).toEqual([]);
	});

	it('fails an identifier refused alone with the reason', () => {
		const after = bisect(job(['p5'], { refused: 1, answered: 1 }), 'Invalid request');
		expect(after.failures).toEqual([['p5', rejectedFailure('p5', 'Invalid request', false)]]);
		expect(after.resend).toEqual([]);
	});

	it('stops when every part is refused and none answered: the request is wrong, not an identifier', () => {
		const after = bisect(job(['a', 'b'], { refused: 3, answered: 0 }), 'bad fields');
		expect(after.stop?.message).toBe('Crustdata refused the request: bad fields');
		expect(after.failures.map(([identifier, failure]) => [identifier, failure])).toEqual([
			['a', after.stop],
			['b', after.stop],
		]);
	});

	it('keeps halving while some part was answered, however many parts were refused', () => {
		expect(bisect(job(['a', 'b'], { refused: 5, answered: 1 }), 'Invalid request').resend).toHaveLength(2);
	});
});
