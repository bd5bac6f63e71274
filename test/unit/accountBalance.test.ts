import { balanceHint, balanceShortfall, readBalance } from '../../nodes/CrustdataPersonEnrich/account/accountBalance';

describe('readBalance', () => {
	it('reads the credits of a 200, as a number or a numeric string', () => {
		expect(readBalance(200, { account: { credits: 1234.5 } })).toBe(1234.5);
		expect(readBalance(200, { account: { credits: '80' } })).toBe(80);
	});

	it('says nothing when Crustdata does not say', () => {
		expect(readBalance(401, { message: 'Invalid API key in request' })).toBeUndefined();
		expect(readBalance(200, { credits: 10 })).toBeUndefined();
		expect(readBalance(200, { account: { credits: '' } })).toBeUndefined();
		expect(readBalance(200, { account: { credits: null } })).toBeUndefined();
	});
});

describe('balanceHint', () => {
	it('speaks only when the run could cost more than the account holds, and suggests a cap where there is none', () => {
		expect(balanceHint(10, 10, false)).toBeUndefined();
		expect(balanceHint(10, undefined, false)).toBeUndefined();
		expect(balanceHint(11, 10, false)?.message).toBe(
			'This run could cost up to 11 credits and the account had 10 credits before it; Crustdata stops answering when the credits run out, and Max Credits in the node options caps what a run spends',
		);
		expect(balanceHint(11, 10, true)?.message).toBe(
			'This run could cost up to 11 credits and the account had 10 credits before it; Crustdata stops answering when the credits run out',
		);
	});
});

describe('balanceShortfall', () => {
	it('says what the run could cost beside what the account held, only when that is more', () => {
		expect(balanceShortfall(30, 10)).toBe('This run could cost up to 30 credits and the account had 10 credits before it');
		expect(balanceShortfall(10, 10)).toBeUndefined();
		expect(balanceShortfall(30, undefined)).toBeUndefined();
	});
});
