import { classifyAnswer, identifiersNamedIn, withJitter } from '../../nodes/CrustdataPersonEnrich/answerPolicy';
import { answer, entriesFor, error, URL_TYPE } from './transportFixtures';

describe('classifyAnswer', () => {
	const ids = ['a@acme.io', 'b@agency.gov', 'c@x.gov'];

	it('takes a 200 array as the answers', () => {
		expect(classifyAnswer(answer(200, entriesFor(ids)), ids, URL_TYPE)).toEqual({ kind: 'answered', entries: entriesFor(ids) });
	});

	it('reads a 404 as no match for every identifier of the request', () => {
		const classified = classifyAnswer(answer(404, error('not_found', 'No data')), ids, 'business_email');
		expect(classified).toEqual({
			kind: 'answered',
			entries: ids.map((matched_on) => ({ matched_on, match_type: 'business_email', matches: [] })),
		});
	});

	it('finds the identifiers a 400 names', () => {
		const body = error('invalid_request', 'Invalid business emails: b@agency.gov, c@x.gov');
		expect(classifyAnswer(answer(400, body), ids, URL_TYPE)).toEqual({
			kind: 'rejected',
			identifiers: ['b@agency.gov', 'c@x.gov'],
			message: 'Invalid business emails: b@agency.gov, c@x.gov',
		});
	});

	it('reads a list that ends with a full stop, but not a longer address that starts the same', () => {
		expect(identifiersNamedIn('Invalid business emails: a@x.gov.', ['a@x.gov'])).toEqual(['a@x.gov']);
		expect(identifiersNamedIn('Invalid business emails: a@x.gov.uk', ['a@x.gov'])).toEqual([]);
	});

	it('does not mistake one identifier for another that contains it', () => {
		expect(identifiersNamedIn('Invalid business emails: bob@acme.io', ['b@acme.io', 'bob@acme.io'])).toEqual(['bob@acme.io']);
		expect(
			identifiersNamedIn('Invalid URL: https://www.linkedin.com/in/ab', ['https://www.linkedin.com/in/a', 'https://www.linkedin.com/in/ab']),
		).toEqual(['https://www.linkedin.com/in/ab']);
	});

	it('leaves a 400 that names nothing to be narrowed down', () => {
		expect(classifyAnswer(answer(400, error('invalid_request', 'Invalid request')), ids, URL_TYPE)).toEqual({
			kind: 'rejectedUnnamed',
			message: 'Invalid request',
		});
	});

	it('stops on a 400 about the fields, naming them', () => {
		const body = error('invalid_request', 'Invalid fields: basic_profile.nope', { available_fields: ['basic_profile'] });
		expect(classifyAnswer(answer(400, body), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: expect.stringContaining('basic_profile.nope'), description: expect.stringContaining('Extra Field Paths') },
		});
	});

	it('stops on a 401 with a message about the key, not the key itself', () => {
		expect(classifyAnswer(answer(401, { message: 'Invalid API key in request' }), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: 'Crustdata rejected the API key', httpCode: '401', description: expect.stringContaining('API Key') },
		});
	});

	it.each([
		[402, error('insufficient_credits', 'Insufficient credits. Please top up your account.')],
		[403, error('permission_denied', 'Insufficient credits')],
	])('stops on %p as out of credits', (status, body) => {
		expect(classifyAnswer(answer(status, body), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: 'The Crustdata account is out of credits' },
		});
	});

	it('says an account no longer looks people up by email when a 400 refuses business_emails', () => {
		const body = error('invalid_request', 'business_emails is not supported on this endpoint; use /person/contact/enrich');
		expect(classifyAnswer(answer(400, body), ['a@acme.io'], 'business_email')).toMatchObject({
			kind: 'stop',
			failure: { message: 'Crustdata no longer looks people up by business email on this account' },
		});
		// An email the 400 names is that email's problem, not the lookup's.
		const named = error('invalid_request', 'Invalid business_emails: a@x.gov');
		expect(classifyAnswer(answer(400, named), ['a@x.gov'], 'business_email')).toMatchObject({ kind: 'rejected' });
	});

	it('names the section a 403 says the plan does not include', () => {
		const body = error('permission_denied', "Access to field 'certifications' is not enabled for your API key");
		expect(classifyAnswer(answer(403, body), ids, URL_TYPE)).toMatchObject({
			kind: 'stop',
			failure: { message: "Your Crustdata plan does not include the field 'certifications'" },
		});
	});

	it('waits the reset on a 429, or Retry-After when the server sends one', () => {
		expect(classifyAnswer(answer(429, {}, { 'x-ratelimit-reset': '2.5' }), ids, URL_TYPE)).toEqual({ kind: 'rateLimited', waitMs: 2500 });
		expect(classifyAnswer(answer(429, {}, { 'x-ratelimit-reset': '30', 'retry-after': '3' }), ids, URL_TYPE)).toEqual({
			kind: 'rateLimited',
			waitMs: 3000,
		});
	});

	it('retries server errors', () => {
		expect(classifyAnswer(answer(503, error('internal_error', 'Down')), ids, URL_TYPE)).toEqual({
			kind: 'transient',
			reason: 'Crustdata answered 503 (Down)',
		});
	});
});

describe('withJitter', () => {
	it('adds jitter to waits, so clients that were refused together do not retry together', () => {
		const waits = Array.from({ length: 50 }, () => withJitter(1000));
		expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
		expect(Math.max(...waits)).toBeLessThanOrEqual(1200);
		expect(new Set(waits).size).toBeGreaterThan(1);
	});
});
