import {
	classifyAnswer,
	errorMessage,
	identifiersNamedIn,
	rateLimitWaitMs,
	serverWaitMs,
	withJitter,
} from '../../nodes/CrustdataPersonEnrich/transport/answerPolicy';
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

describe('waits a server asks for (security review)', () => {
	it.each([
		['86400', 60_000],
		['1e12', 60_000],
		['12', 12_000],
	])('takes x-ratelimit-reset %p as at most the 60 s window', (reset, waitMs) => {
		expect(rateLimitWaitMs({ 'x-ratelimit-reset': reset })).toBe(waitMs);
		expect(serverWaitMs({ 'x-ratelimit-reset': reset }, 'x-ratelimit-reset')).toBe(waitMs);
	});

	it('takes Retry-After 1e12 as the 60 s window too', () => {
		expect(rateLimitWaitMs({ 'retry-after': '1e12', 'x-ratelimit-reset': '3' })).toBe(60_000);
	});

	it.each(['-5', 'soon', '', 'NaN', 'Infinity'])('counts %p as absent: the default backoff', (value) => {
		expect(rateLimitWaitMs({ 'retry-after': value, 'x-ratelimit-reset': value })).toBe(5_000);
	});

	it('falls back from an absurd Retry-After to a sane reset', () => {
		expect(rateLimitWaitMs({ 'retry-after': '-1', 'x-ratelimit-reset': '7' })).toBe(7_000);
	});
});

describe('classifyAnswer and hostile answers (security review)', () => {
	const urls = ['https://www.linkedin.com/in/ada', 'https://www.linkedin.com/in/grace'];

	it.each([301, 302, 307, 308])('stops the run at a %p, naming the target origin and never its user name or password', (status) => {
		const classified = classifyAnswer(answer(status, '', { location: 'http://user:pass@evil.example:8443/steal?x=1' }), urls, URL_TYPE);
		expect(classified).toMatchObject({ kind: 'stop', failure: { endsRun: true, httpCode: String(status) } });
		const { message, description } = (classified as { failure: { message: string; description: string } }).failure;
		expect(message).toBe("Crustdata's address redirected the request to http://evil.example:8443");
		expect(`${message} ${description}`).not.toMatch(/user|pass|steal/);
		expect(description).toContain('Base URL');
	});

	it('names a redirect to a path on the same address, and one without a location', () => {
		expect(classifyAnswer(answer(302, '', { location: '/v2/person/enrich' }), urls, URL_TYPE)).toMatchObject({
			failure: { message: "Crustdata's address redirected the request to /v2/person/enrich on the same address" },
		});
		expect(classifyAnswer(answer(303, ''), urls, URL_TYPE)).toMatchObject({
			failure: { message: "Crustdata's address answered 303, a redirect" },
		});
	});

	it('keeps only readable entries: a record with a string matched_on and a list of record matches', () => {
		const good = { matched_on: urls[0], matches: [{ confidence_score: 1, person_data: { basic_profile: { name: 'Ada' } } }] };
		const body = [
			null,
			good,
			{ matched_on: urls[1], matches: 'none' },
			{ matched_on: urls[1], matches: [null] },
			{ matched_on: urls[1], matches: [{ person_data: 'x' }] },
			{ matched_on: 7, matches: [] },
			'entry',
		];
		expect(classifyAnswer(answer(200, body), urls, URL_TYPE)).toEqual({ kind: 'answered', entries: [good] });
	});

	it("leaves out entries for identifiers the request did not carry, and keeps its own however they are written", () => {
		const own = { matched_on: 'linkedin.com/in/Ada/', matches: [] };
		const foreign = { matched_on: 'https://www.linkedin.com/in/mallory', matches: [{ confidence_score: 1, person_data: {} }] };
		expect(classifyAnswer(answer(200, [own, foreign]), urls, URL_TYPE)).toEqual({ kind: 'answered', entries: [own] });
		const emails = ['ada@acme.com'];
		const ownEmail = { matched_on: ' ADA@acme.com', matches: [] };
		expect(classifyAnswer(answer(200, [ownEmail, { matched_on: 'eve@acme.com', matches: [] }]), emails, 'business_email')).toEqual({
			kind: 'answered',
			entries: [ownEmail],
		});
	});

	it('reads a 404 as "no data" only when it is Crustdata answering', () => {
		const noData = classifyAnswer(answer(404, error('not_found', 'No data found for the given identifiers')), urls, URL_TYPE);
		expect(noData).toMatchObject({ kind: 'answered', entries: urls.map((matched_on) => ({ matched_on, matches: [] })) });
		const missing = { kind: 'stop', failure: { message: 'Crustdata answered 404 for /v1/person/enrich: check Base URL', endsRun: true } };
		const context = { path: '/v1/person/enrich' };
		expect(classifyAnswer(answer(404, error('not_found', 'No route for POST /v1/person/enrich')), urls, URL_TYPE, context)).toMatchObject(missing);
		expect(classifyAnswer(answer(404, '<html>Not Found</html>'), urls, URL_TYPE, context)).toMatchObject(missing);
		const listing404 = { ...context, listingAnswered404: true };
		expect(classifyAnswer(answer(404, error('not_found', 'No data found')), urls, URL_TYPE, listing404)).toMatchObject(missing);
	});

	it("quotes an HTML error page's title, or the status text, never the page", () => {
		const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${'<p>filler</p>'.repeat(100)}</body></html>`;
		expect(errorMessage(page)).toBe('502 Bad Gateway');
		expect(classifyAnswer(answer(502, page), urls, URL_TYPE)).toEqual({ kind: 'transient', reason: 'Crustdata answered 502 (502 Bad Gateway)' });
		const untitled = { ...answer(503, '<html><body>down</body></html>'), statusText: 'Service Unavailable' };
		expect(classifyAnswer(untitled, urls, URL_TYPE)).toEqual({ kind: 'transient', reason: 'Crustdata answered 503 (Service Unavailable)' });
	});

	it('quotes at most 200 characters of a plain-text error body', () => {
		expect(errorMessage('x'.repeat(10_000))).toHaveLength(200);
	});
});
