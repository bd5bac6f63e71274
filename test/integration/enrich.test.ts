import type { Sandbox } from '../sandbox/server';
import { enrichRequests, profileUrl, runNode, urlItems, useSandbox } from './runNode';

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const slugOf = (json: unknown) =>
	(json as { person_data: { social_handles: { professional_network_identifier: { profile_url: string } } } }).person_data
		.social_handles.professional_network_identifier.profile_url;

describe('profile URLs', () => {
	const inputs = [
		'linkedin.com/in/ada-lovelace',
		'https://www.linkedin.com/in/nomatch-ghost/',
		'https://uk.linkedin.com/in/ada-lovelace?trk=public_profile',
		'HTTP://WWW.LINKEDIN.COM/in/grace-hopper#about',
		'https://www.linkedin.com/in/redacted-rita',
	];

	it('sends each unique URL once, normalised, with explicit fields, the bearer key and the API version', async () => {
		await runNode(sandbox, { items: urlItems(inputs) });
		const [request, ...others] = enrichRequests(sandbox);
		expect(others).toEqual([]);
		expect(request.path).toBe('/person/enrich');
		expect(request.body).toEqual({
			professional_network_profile_urls: [
				profileUrl('ada-lovelace'),
				profileUrl('nomatch-ghost'),
				profileUrl('grace-hopper'),
				profileUrl('redacted-rita'),
			],
			fields: ['basic_profile', 'social_handles'],
		});
		expect(request.headers.authorization).toBe(`Bearer ${sandbox.apiKey}`);
		expect(request.headers['x-api-version']).toBe('2025-11-01');
	});

	it('gives every input its own items, paired to it, with no-matches and redactions as their own status', async () => {
		const run = await runNode(sandbox, { items: urlItems(inputs) });
		expect(run.status).toBe('success');
		const [items] = run.outputs;
		expect(items.map((item) => [item.pairedItem, item.json.matched_on, item.json.match_status])).toEqual([
			[{ item: 0 }, profileUrl('ada-lovelace'), 'matched'],
			[{ item: 1 }, profileUrl('nomatch-ghost'), 'not_found'],
			[{ item: 2 }, profileUrl('ada-lovelace'), 'matched'],
			[{ item: 3 }, profileUrl('grace-hopper'), 'matched'],
			[{ item: 4 }, profileUrl('redacted-rita'), 'redacted'],
		]);
		expect(items[0].json).toMatchObject({ match_type: 'professional_network_profile_url', confidence_score: 1 });
		expect(slugOf(items[3].json)).toBe(profileUrl('grace-hopper'));
		expect(items[1].json).toMatchObject({ confidence_score: null, person_data: null });
		expect(items[4].json).toMatchObject({ confidence_score: null, person_data: null });
		expect(Object.keys(items[0].json.person_data as object).sort()).toEqual(['basic_profile', 'crustdata_person_id', 'social_handles']);
	});

	it('tells the user what happened, what it cost and which inputs reused a lookup', async () => {
		const run = await runNode(sandbox, { items: urlItems([...inputs, 'not a url']), onError: 'continueRegularOutput' });
		expect(run.hints.map((hint) => hint.message)).toEqual([
			"Enriched 3 of 6 inputs in 1 request (0 retries), 2 credits; 2 not found, 1 failed; paced at 15 requests a minute, Crustdata's default, as the account reports no limit",
			'1 input not sent because the identifier was empty or malformed; 1 input shared an identifier with an earlier one and reused its lookup',
		]);
	});

	it('lets a downstream expression read the input row and the enriched item for every output item', async () => {
		const run = await runNode(sandbox, {
			items: urlItems(inputs),
			downstream: {
				inputRow: "={{ $('Input').item.json }}",
				enriched: "={{ $('Crustdata Person Enrich').item.json.matched_on }}",
			},
		});
		expect(run.downstream.map((item) => item.json)).toEqual(
			run.outputs[0].map((item, index) => ({
				inputRow: urlItems(inputs)[index],
				enriched: item.json.matched_on,
			})),
		);
	});

	it('joins answers by matched_on when the API shuffles them', async () => {
		sandbox.configure({ shuffle: true });
		const slugs = Array.from({ length: 25 }, (_, i) => `person-${i}`);
		const run = await runNode(sandbox, { items: urlItems(slugs.map(profileUrl)) });
		expect(run.outputs[0].map((item) => slugOf(item.json))).toEqual(slugs.map(profileUrl));
	});

	it('fans 130 inputs with duplicates into requests of at most Batch Size', async () => {
		const slugs = Array.from({ length: 100 }, (_, i) => `member-${i}`);
		const items = urlItems([...slugs, ...slugs.slice(0, 30)].map(profileUrl));
		const run = await runNode(sandbox, { items, parameters: { options: { batchSize: 20 } } });
		const requests = enrichRequests(sandbox);
		expect(requests.map((request) => request.identifierCount)).toEqual([20, 20, 20, 20, 20]);
		const sent = requests.flatMap((request) => (request.body as { professional_network_profile_urls: string[] }).professional_network_profile_urls);
		expect(new Set(sent).size).toBe(100);
		expect(run.outputs[0]).toHaveLength(130);
		expect(run.outputs[0].map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	});

	it('requests the chosen sections plus Extra Field Paths, and returns only those', async () => {
		const run = await runNode(sandbox, {
			items: urlItems([profileUrl('ada-lovelace')]),
			parameters: { fields: ['experience'], options: { fieldPaths: 'basic_profile.summary, contact.business_emails' } },
		});
		expect(enrichRequests(sandbox)[0].body).toMatchObject({
			fields: ['experience', 'basic_profile.summary', 'contact.business_emails'],
		});
		const personData = run.outputs[0][0].json.person_data as Record<string, Record<string, unknown>>;
		expect(Object.keys(personData.basic_profile)).toEqual(['summary']);
		expect(Object.keys(personData.contact)).toEqual(['business_emails']);
		expect(personData).not.toHaveProperty('social_handles');
	});

	it('skips or fails no-matches as On No Match says', async () => {
		const items = urlItems([profileUrl('ada-lovelace'), profileUrl('nomatch-ghost')]);
		const skipped = await runNode(sandbox, { items, parameters: { options: { onNoMatch: 'skip' } } });
		expect(skipped.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }]);

		const failed = await runNode(sandbox, { items, parameters: { options: { onNoMatch: 'error' } } });
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toBe(`Crustdata found no person for "${profileUrl('nomatch-ghost')}"`);
		expect(failed.error?.context).toMatchObject({ itemIndex: 1 });
	});

	it('treats a 404 as no match', async () => {
		sandbox.configure({ notFoundAs404: true });
		const run = await runNode(sandbox, { items: urlItems([profileUrl('nomatch-a'), profileUrl('nomatch-b')]) });
		expect(enrichRequests(sandbox).map((request) => request.status)).toEqual([404]);
		expect(run.outputs[0].map((item) => item.json.match_status)).toEqual(['not_found', 'not_found']);
	});
});

describe('business emails', () => {
	const emailRun = (parameters: Record<string, unknown>, emails: string[]) =>
		runNode(sandbox, {
			items: emails.map((email) => ({ email })),
			parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}', ...parameters },
		});

	it('returns every candidate by default, lowercased and sent as business_emails', async () => {
		const run = await emailRun({}, [' Multi.Person@Acme.io ', 'jane.doe@acme.io']);
		expect(enrichRequests(sandbox)[0].body).toEqual({
			business_emails: ['multi.person@acme.io', 'jane.doe@acme.io'],
			// The employer check's domains, free, asked for because Experience is not chosen.
			fields: ['basic_profile', 'social_handles', 'experience.employment_details.current.company_website_domain'],
		});
		expect(run.outputs[0].map((item) => [item.pairedItem, item.json.confidence_score])).toEqual([
			[{ item: 0 }, 0.62],
			[{ item: 0 }, 0.97],
			[{ item: 0 }, 0.35],
			[{ item: 1 }, expect.any(Number)],
		]);
		expect(run.outputs[0][3].json).toMatchObject({ match_type: 'business_email', match_status: 'matched' });
	});

	it('returns only the best candidate with Return Matches set to best', async () => {
		const run = await emailRun({ options: { returnMatches: 'best' } }, ['multi.person@acme.io']);
		expect(run.outputs[0].map((item) => item.json.confidence_score)).toEqual([0.97]);
	});

	it('sends the similarity threshold and returns only candidates above it', async () => {
		const run = await emailRun({ minSimilarityScore: 0.5 }, ['multi.person@acme.io']);
		expect(enrichRequests(sandbox)[0].body).toHaveProperty('min_similarity_score', 0.5);
		expect(run.outputs[0].map((item) => item.json.confidence_score)).toEqual([0.62, 0.97]);
	});
});

describe('Simplify and Include Input Fields', () => {
	it('gives a flat person from every section, and keeps the CRM id of the input row', async () => {
		const run = await runNode(sandbox, {
			items: [{ crm_id: 'lead-42', url: profileUrl('ada-lovelace'), match_status: 'from the sheet' }],
			parameters: {
				fields: ['basic_profile', 'social_handles', 'experience', 'contact'],
				options: { simplify: true, includeInputFields: true },
			},
		});
		const [item] = run.outputs[0];
		expect(item.json).toMatchObject({ crm_id: 'lead-42', url: profileUrl('ada-lovelace'), match_status: 'matched' });
		const person = item.json.person as Record<string, unknown>;
		const personData = item.json.person_data as { basic_profile: { name: string }; experience: { employment_details: { current: Array<{ name: string }> } } };
		expect(person.name).toBe(personData.basic_profile.name);
		expect(person.current_company).toBe(personData.experience.employment_details.current[0].name);
		expect(person.linkedin_url).toBe(profileUrl('ada-lovelace'));
		expect(Object.values(person)).not.toContain('');
	});
});

describe('preview', () => {
	it('sends preview when set, and gets the basic fields back', async () => {
		sandbox.configure({ previewEnabled: true });
		const run = await runNode(sandbox, { items: urlItems([profileUrl('ada-lovelace')]), parameters: { options: { preview: true } } });
		expect(enrichRequests(sandbox)[0].body).toHaveProperty('preview', true);
		expect(run.outputs[0][0].json.match_status).toBe('matched');
	});

	it('says to turn Preview off when the account does not have it', async () => {
		const run = await runNode(sandbox, { items: urlItems([profileUrl('ada-lovelace')]), parameters: { options: { preview: true } } });
		expect(run.error?.message).toMatch(/^Crustdata refused the preview/);
		expect(run.error?.description).toBe('Turn off the Preview option');
	});
});

describe('live enrich', () => {
	it('posts profile URLs to the live endpoint', async () => {
		const run = await runNode(sandbox, {
			items: urlItems([profileUrl('ada-lovelace')]),
			parameters: { operation: 'enrichLive', identifierType: 'businessEmail' },
		});
		const [request] = enrichRequests(sandbox);
		expect(request.path).toBe('/person/professional_network/enrich/live');
		expect(request.body).toHaveProperty('professional_network_profile_urls', [profileUrl('ada-lovelace')]);
		expect(run.outputs[0][0].json.match_status).toBe('matched');
	});
});
