import type { Sandbox } from '../sandbox/server';
import { enrichRequests, profileUrl, runNode, urlItems, useSandbox } from './runNode';

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const mixed = urlItems([
	profileUrl('ada-lovelace'),
	'https://www.linkedin.com/company/retool',
	'',
	profileUrl('grace-hopper'),
]);

describe('inputs the node cannot send', () => {
	it('fails the run before any request when the node stops on errors, naming the item and the fix', async () => {
		const run = await runNode(sandbox, { items: mixed });
		expect(run.status).toBe('error');
		expect(run.error).toMatchObject({
			message: '"https://www.linkedin.com/company/retool" is not a LinkedIn profile URL',
			description: 'Use a URL of the form https://www.linkedin.com/in/<name>',
			context: { itemIndex: 1 },
		});
		expect(enrichRequests(sandbox)).toEqual([]);
	});

	it('continues with an error item per bad input, paired to it, and enriches the rest', async () => {
		const run = await runNode(sandbox, { items: mixed, onError: 'continueRegularOutput' });
		expect(run.status).toBe('success');
		expect(run.outputs[0].map((item) => [item.pairedItem, item.json.error ?? item.json.match_status, item.json.matched_on])).toEqual([
			[{ item: 0 }, 'matched', profileUrl('ada-lovelace')],
			[{ item: 1 }, '"https://www.linkedin.com/company/retool" is not a LinkedIn profile URL', ''],
			[{ item: 2 }, 'The profile URL is empty', ''],
			[{ item: 3 }, 'matched', profileUrl('grace-hopper')],
		]);
		expect(enrichRequests(sandbox)).toHaveLength(1);
	});

	it('routes error items to the error output, with the input row, and the good ones to the main output', async () => {
		const run = await runNode(sandbox, { items: mixed, onError: 'continueErrorOutput' });
		const [success, errors] = run.outputs;
		expect(success.map((item) => [item.pairedItem, item.json.match_status])).toEqual([
			[{ item: 0 }, 'matched'],
			[{ item: 3 }, 'matched'],
		]);
		expect(errors.map((item) => [item.pairedItem, item.json])).toEqual([
			[{ item: 1 }, { ...mixed[1], error: '"https://www.linkedin.com/company/retool" is not a LinkedIn profile URL' }],
			[{ item: 2 }, { ...mixed[2], error: 'The profile URL is empty' }],
		]);
	});

	it('refuses Extra Field Paths outside person_data before sending anything', async () => {
		const run = await runNode(sandbox, {
			items: mixed.slice(0, 1),
			parameters: { options: { fieldPaths: 'basic_profile.name, salary.amount' } },
		});
		expect(run.error?.message).toBe('"salary.amount" is not a field path Crustdata knows');
		expect(run.error?.description).toContain('Extra Field Paths');
		expect(enrichRequests(sandbox)).toEqual([]);
	});
});

describe('identifiers the API rejects', () => {
	it('fails only the emails a 400 names and enriches the others of the same request', async () => {
		const emails = ['jane.doe@acme.io', 'clerk@agency.gov', 'sam.lee@globex.com', 'ranger@parks.gov', 'nomatch.x@acme.io'];
		const run = await runNode(sandbox, {
			items: emails.map((email) => ({ email })),
			parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}' },
			onError: 'continueRegularOutput',
		});
		expect(enrichRequests(sandbox).map((request) => [request.status, request.identifierCount])).toEqual([
			[400, 5],
			[200, 3],
		]);
		expect(run.outputs[0].map((item) => [item.pairedItem, item.json.error ?? item.json.match_status])).toEqual([
			[{ item: 0 }, 'matched'],
			[{ item: 1 }, 'Crustdata rejected "clerk@agency.gov": Invalid business emails'],
			[{ item: 2 }, 'matched'],
			[{ item: 3 }, 'Crustdata rejected "ranger@parks.gov": Invalid business emails'],
			[{ item: 4 }, 'not_found'],
		]);
		expect(run.outputs[0][1].json.matched_on).toBe('clerk@agency.gov');
	});
});

describe('account and plan problems', () => {
	it('stops at the first 401, before any billable request, says the key was rejected, and never shows the key', async () => {
		const wrongKey = `wrong-key-${Date.now()}-a`;
		const slugs = Array.from({ length: 60 }, (_, i) => profileUrl(`p-${i}`));
		const run = await runNode(sandbox, { items: urlItems(slugs), credentials: { apiKey: wrongKey }, parameters: { options: { concurrency: 1 } } });
		expect(run.status).toBe('error');
		expect(run.error).toMatchObject({ message: 'Crustdata rejected the API key', context: { itemIndex: 0 } });
		expect(run.error?.description).toContain('API Key');
		// Only the free questions asked at once before a run (its limits and its balance), nothing billable.
		expect(sandbox.requests.map((request) => [request.path, request.status]).sort()).toEqual([
			['/account/credits', 401],
			['/account/endpoints', 401],
		]);
		expect(JSON.stringify(run)).not.toContain(wrongKey);
	});

	it('keeps the key out of error items too', async () => {
		const wrongKey = `wrong-key-${Date.now()}-b`;
		const run = await runNode(sandbox, {
			items: urlItems([profileUrl('a'), profileUrl('b')]),
			credentials: { apiKey: wrongKey },
			onError: 'continueRegularOutput',
		});
		expect(run.outputs[0].map((item) => item.json.error)).toEqual(['Crustdata rejected the API key', 'Crustdata rejected the API key']);
		expect(JSON.stringify(run)).not.toContain(wrongKey);
	});

	it('names the section a 403 says the plan does not include, when the account check could not tell', async () => {
		sandbox.configure({ accountEndpointsAnswer: { status: 404, body: { error: { type: 'not_found', message: 'Not found', metadata: [] } } } });
		const run = await runNode(sandbox, {
			items: urlItems([profileUrl('ada-lovelace')]),
			parameters: { fields: ['basic_profile', 'certifications'] },
		});
		expect(enrichRequests(sandbox).map((request) => request.status)).toEqual([403]);
		expect(run.error?.message).toBe("Your Crustdata plan does not include the field 'certifications'");
		expect(run.error?.description).toBe('Remove it from Fields or Extra Field Paths, or ask Crustdata to enable it for your account');
	});

	it('refuses to send the key over plain http to another host', async () => {
		const run = await runNode(sandbox, {
			items: urlItems([profileUrl('ada-lovelace')]),
			credentials: { baseUrl: 'http://api.crustdata.com' },
		});
		expect(run.error?.message).toBe(
			'Refusing to send the Crustdata API key: "http://api.crustdata.com" does not use https://, so the API key would travel in clear text',
		);
	});
});
