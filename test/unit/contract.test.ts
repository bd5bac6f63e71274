import {
	accountCreditsAnswer,
	accountEndpointsAnswer,
	batchContactRecord,
	batchContactRecordViolations,
	batchContactSubmitAnswer,
	batchContactSubmitRequest,
	batchListAnswer,
	batchRecord,
	batchRecordViolations,
	batchStatusAnswer,
	batchSubmitAnswer,
	batchSubmitRequest,
	contactAnswer,
	contactRequest,
	contractViolations,
	enrichAnswer,
	enrichRequest,
	errorBody,
	keyRejected,
} from '../contract/crustdataApi';
import type { SandboxRequestLogEntry } from '../sandbox/server';

/**
 * The contract the sandbox is held to, held to the API notes in turn: the examples the notes
 * quote parse, and what the notes rule out does not.
 */

const URL = 'https://www.linkedin.com/in/dvdhsu';

// The real answer the notes quote (captured 2026-07-20), trimmed, with the contact section the notes describe for accounts that get it there.
const capturedAnswer = [
	{
		matched_on: URL,
		match_type: 'professional_network_profile_url',
		matches: [
			{
				confidence_score: 1.0,
				person_data: {
					crustdata_person_id: 14540,
					basic_profile: {
						name: 'David Hsu',
						first_name: null,
						last_name: null,
						headline: 'Founder, CEO @ Retool',
						current_title: 'Founder, CEO',
						summary: '',
						languages: [],
						location: { raw: 'San Francisco Bay Area', city: '', state: 'California', country: 'United States', continent: 'North America' },
					},
					social_handles: {
						professional_network_identifier: { profile_url: URL },
						dev_platform_identifier: { profile_url: null },
						twitter_identifier: { slug: '' },
					},
					experience: {
						employment_details: {
							current: [{ name: 'Retool', title: 'Founder, CEO', company_website_domain: 'retool.com', seniority_level: 'CXO', is_default: true }],
							past: [],
						},
					},
					contact: { business_emails: [{ email: 'david@retool.com', status: 'deliverable', last_updated: '2026-07-01' }], phone_numbers: [], websites: [] },
				},
			},
		],
	},
];

const RATE_HEADERS = { 'x-ratelimit-limit': '15', 'x-ratelimit-remaining': '14', 'x-ratelimit-reset': '60' };

/** A sandbox log entry: an enrich request for one URL, answered 200 with the captured answer. */
const log = (): SandboxRequestLogEntry => ({
	at: 0,
	method: 'POST',
	path: '/person/enrich',
	query: {},
	headers: {},
	body: { professional_network_profile_urls: [URL], fields: ['basic_profile'] },
	status: 200,
	identifierCount: 1,
	creditsUsed: 1,
	apiGeneration: 1,
	answer: { body: capturedAnswer, headers: {} },
	scripted: false,
});

describe('the contract, against the API notes', () => {
	it("parses the notes' captured answer on generation 1; generation 2's /person/enrich returns at most stored business emails", () => {
		expect(enrichAnswer(1).safeParse(capturedAnswer).success).toBe(true);
		expect(enrichAnswer(2).safeParse(capturedAnswer).success).toBe(false);
		const businessEmailsOnly = structuredClone(capturedAnswer);
		businessEmailsOnly[0].matches[0].person_data.contact = { business_emails: capturedAnswer[0].matches[0].person_data.contact.business_emails } as typeof businessEmailsOnly[0]['matches'][0]['person_data']['contact'];
		expect(enrichAnswer(2).safeParse(businessEmailsOnly).success).toBe(true);
		const { contact, ...withoutContact } = capturedAnswer[0].matches[0].person_data;
		expect(contact).toBeDefined();
		const generation2 = [{ ...capturedAnswer[0], matches: [{ confidence_score: 1, person_data: { ...withoutContact, social_posts: [] } }] }];
		expect(enrichAnswer(2).safeParse(generation2).success).toBe(true);
		expect(enrichAnswer(1).safeParse(generation2).success).toBe(false);
	});

	it('refuses a results wrapper, a missing matched_on and a score above 1', () => {
		expect(enrichAnswer(1).safeParse({ results: capturedAnswer }).success).toBe(false);
		expect(enrichAnswer(1).safeParse([{ match_type: 'business_email', matches: [] }]).success).toBe(false);
		expect(enrichAnswer(1).safeParse([{ ...capturedAnswer[0], matches: [{ confidence_score: 1.5, person_data: {} }] }]).success).toBe(false);
	});

	it('takes one identifier type, 1 to 25 of them, and fields of the generation', () => {
		const urls = (count: number) => Array.from({ length: count }, (_, i) => `${URL}-${i}`);
		expect(enrichRequest(1).safeParse({ professional_network_profile_urls: urls(25), fields: ['basic_profile'] }).success).toBe(true);
		expect(enrichRequest(1).safeParse({ professional_network_profile_urls: urls(26), fields: ['basic_profile'] }).success).toBe(false);
		expect(enrichRequest(1).safeParse({ professional_network_profile_urls: urls(1), business_emails: ['a@acme.io'], fields: ['basic_profile'] }).success).toBe(false);
		expect(enrichRequest(1).safeParse({ business_emails: ['a@acme.io'], fields: ['basic_profile'], min_similarity_score: 0.8 }).success).toBe(true);
		expect(enrichRequest(1).safeParse({ business_emails: ['a@acme.io'], fields: ['assessment'] }).success).toBe(false);
		expect(enrichRequest(1).safeParse({ professional_network_profile_urls: [`${URL}?trk=public`], fields: ['basic_profile'] }).success).toBe(false);
		expect(enrichRequest(1).safeParse({ professional_network_profile_urls: [URL], fields: ['basic_profile'], min_similarity_score: 0.5 }).success).toBe(false);
		expect(enrichRequest(2).safeParse({ professional_network_profile_urls: urls(1), fields: ['assessment'] }).success).toBe(true);
		expect(contactRequest.safeParse({ professional_network_profile_urls: urls(1), fields: ['contact.business_emails'], verified: true }).success).toBe(true);
		expect(contactRequest.safeParse({ professional_network_profile_urls: urls(1), fields: ['basic_profile'] }).success).toBe(false);
	});

	it('knows the error shapes: { error: { type, message, metadata } }, and 401 alone as { message }', () => {
		expect(errorBody.safeParse({ error: { type: 'invalid_request', message: 'Invalid business emails: a@x.gov', metadata: [] } }).success).toBe(true);
		expect(errorBody.safeParse({ message: 'Invalid API key in request' }).success).toBe(false);
		const exchange = { ...log(), status: 403, answer: { body: { error: { type: 'permission_denied', message: 'Denied', metadata: [] } }, headers: RATE_HEADERS } };
		expect(contractViolations([exchange])).toEqual([expect.stringMatching(/^POST \/person\/enrich → 403: the answer breaks the contract: error.type: Invalid literal value, expected "permission_error"/)]);
		expect(keyRejected.safeParse({ message: 'Invalid API key in request' }).success).toBe(true);
	});

	it("parses the notes' /account/endpoints and /account/credits examples, and refuses a limit given as text", () => {
		const endpoints = {
			api_version: '2025-11-01',
			token_limit_rpm: 120,
			endpoints: [
				{
					path: '/person/enrich',
					category: 'Person',
					status: 'enabled',
					effective_rate_limit_rpm: 15,
					fields: { enabled: ['basic_profile', 'basic_profile.name'], disabled: ['certifications', 'honors'] },
				},
			],
		};
		expect(accountEndpointsAnswer.safeParse(endpoints).success).toBe(true);
		expect(accountEndpointsAnswer.safeParse({ ...endpoints, token_limit_rpm: '120' }).success).toBe(false);
		expect(accountCreditsAnswer.safeParse({ account: { credits: 1200, recurring_credits: 1000, credit_rollover: false } }).success).toBe(true);
		expect(accountCreditsAnswer.safeParse({ credits: 1200 }).success).toBe(false);
	});

	it('finds an answer without its rate-limit headers or x-credits-used, one that echoes what was not sent, and one never recorded; leaves scripted answers out', () => {
		const exchange = (overrides: Partial<SandboxRequestLogEntry>) => ({ ...log(), ...overrides });
		expect(contractViolations([exchange({ answer: { body: capturedAnswer, headers: {} } })])).toEqual([
			'POST /person/enrich → 200: no x-credits-used header',
			'POST /person/enrich → 200: no x-ratelimit-* headers',
		]);
		const headers = { 'x-credits-used': '1', ...RATE_HEADERS };
		expect(contractViolations([exchange({ answer: { body: capturedAnswer, headers } })])).toEqual([]);
		expect(contractViolations([exchange({ answer: { body: capturedAnswer, headers }, body: { professional_network_profile_urls: [`${URL}-2`], fields: ['basic_profile'] } })])).toEqual([
			`POST /person/enrich → 200: an entry for "${URL}" (professional_network_profile_url) answers nothing that was sent as professional_network_profile_urls`,
		]);
		expect(contractViolations([exchange({ answer: null, status: 500 })])).toEqual(['POST /person/enrich → 500: answered without a recorded answer']);
		expect(contractViolations([exchange({ answer: { body: { results: [] }, headers }, scripted: true })])).toEqual([]);
		expect(contactAnswer.safeParse(capturedAnswer).success).toBe(false);
	});
});

describe('the batch jobs contract, against the API notes and the batch reference', () => {
	const BATCH_ID = '22f80b2b-e5bd-480b-86cc-29f79dc6c821';
	const DVDHSU = 'https://www.linkedin.com/in/dvdhsu/';
	// The submit and the answer the batch reference quotes.
	const submit = { professional_network_profile_urls: [DVDHSU], fields: ['basic_profile.name', 'basic_profile.headline', 'basic_profile.current_title'] };
	const accepted = { batch_id: BATCH_ID, status: 'pending', entity: 'person', action: 'enrich', identifier_count: 1, entities_requested: 1, status_url: `/batch/${BATCH_ID}` };
	// The reference's status example (a company job: the status route answers for every kind).
	const completed = {
		batch_id: '53ab686b-c054-496b-8baf-baff5ecc85cf',
		status: 'completed',
		entity: 'company',
		action: 'enrich',
		identifier_count: 2,
		result_count: 2,
		entities_requested: 2,
		entities_fulfilled: 2,
		created_at: '2026-06-12T12:23:03.945900+00:00',
		completed_at: '2026-06-12T12:23:15.993293+00:00',
		download_url: 'https://crustdata-batch-api-data.s3.amazonaws.com/53ab686b-c054-496b-8baf-baff5ecc85cf/output/results.jsonl.gz',
		download_urls: ['https://crustdata-batch-api-data.s3.amazonaws.com/53ab686b-c054-496b-8baf-baff5ecc85cf/output/part-000.jsonl.gz'],
	};
	// The reference's record example: the bare person_data, no confidence_score.
	const record = {
		original_identifier: DVDHSU,
		internal_id: 14540,
		data: {
			basic_profile: { name: 'David Hsu', headline: 'Founder, CEO @ Retool', current_title: 'Founder, CEO' },
			social_handles: { professional_network_identifier: { profile_url: 'https://www.linkedin.com/in/dvdhsu' } },
			crustdata_person_id: 14540,
		},
	};
	const urls = (count: number) => Array.from({ length: count }, (_, i) => `https://www.linkedin.com/in/person-${i}`);

	it("takes the notes' submit: one identifier type, as a list or one comma-separated string, 1 to 10,000, chunk_size 10 to 1,000, and nothing of the synchronous endpoint's own", () => {
		expect(batchSubmitRequest(1).safeParse(submit).success).toBe(true);
		expect(batchSubmitRequest(1).safeParse({ business_emails: 'jane.doe@example.com, sam@example.com', chunk_size: 10, webhook_url: 'https://hooks.example.com/done' }).success).toBe(true);
		expect(batchSubmitRequest(1).safeParse({ professional_network_profile_urls: urls(10_000), chunk_size: 1000 }).success).toBe(true);
		expect(batchSubmitRequest(1).safeParse({ professional_network_profile_urls: urls(10_001) }).success).toBe(false);
		expect(batchSubmitRequest(1).safeParse({ professional_network_profile_urls: urls(10_001).join(',') }).success).toBe(false);
		expect(batchSubmitRequest(1).safeParse({ professional_network_profile_urls: [] }).success).toBe(false);
		expect(batchSubmitRequest(1).safeParse({ ...submit, chunk_size: 5 }).success).toBe(false);
		expect(batchSubmitRequest(1).safeParse({ ...submit, chunk_size: 1001 }).success).toBe(false);
		expect(batchSubmitRequest(1).safeParse({ ...submit, business_emails: ['jane.doe@example.com'] }).success).toBe(false);
		for (const extra of [{ min_similarity_score: 0.8 }, { preview: true }, { verified: true }]) {
			expect(batchSubmitRequest(1).safeParse({ ...submit, ...extra }).success).toBe(false);
		}
		expect(batchSubmitRequest(1).safeParse({ ...submit, fields: ['assessment'] }).success).toBe(false);
		expect(batchSubmitRequest(2).safeParse({ ...submit, fields: ['assessment'] }).success).toBe(true);
	});

	it("parses the reference's submit answer, status and list, and refuses a status_url for another job", () => {
		expect(batchSubmitAnswer.safeParse(accepted).success).toBe(true);
		expect(batchSubmitAnswer.safeParse({ ...accepted, status_url: '/batch/another' }).success).toBe(false);
		expect(batchSubmitAnswer.safeParse({ ...accepted, status: 'processing' }).success).toBe(false);
		expect(batchStatusAnswer.safeParse(completed).success).toBe(true);
		const { download_url, download_urls, completed_at, ...pending } = { ...completed, status: 'pending', result_count: 0, entities_fulfilled: 0 };
		expect([download_url, download_urls, completed_at].every((value) => value !== undefined)).toBe(true);
		expect(batchStatusAnswer.safeParse(pending).success).toBe(true);
		const list = {
			jobs: [
				{ batch_id: '48b676de-f0d1-4ae5-af52-4e021991efe6', status: 'completed', entity: 'person', action: 'search', identifier_count: 1, result_count: 6, entities_requested: 1, entities_fulfilled: 6, created_at: '2026-06-12T12:02:00.220799+00:00', completed_at: '2026-06-12T12:02:01.816021+00:00' },
				{ batch_id: 'afb80886-2f90-45f9-a2c7-db407e227ca8', status: 'completed', entity: 'company_v2024', action: 'enrich', identifier_count: 2, result_count: 2, entities_requested: 2, entities_fulfilled: 2, created_at: '2026-03-05T01:06:43.941233+00:00', completed_at: '2026-03-05T01:06:44.904341+00:00' },
			],
			next_cursor: 'afb80886-2f90-45f9-a2c7-db407e227ca8',
			has_more: true,
		};
		expect(batchListAnswer.safeParse(list).success).toBe(true);
		expect(batchListAnswer.safeParse({ ...list, next_cursor: null }).success).toBe(false);
		expect(batchListAnswer.safeParse({ batches: list.jobs, next_cursor: null }).success).toBe(false);
	});

	it('refuses error_message on a completed job, links before completion, a failed job without its reason, and more people than identifiers', () => {
		expect(batchStatusAnswer.safeParse({ ...completed, error_message: 'Internal processing error' }).success).toBe(false);
		expect(batchStatusAnswer.safeParse({ ...completed, status: 'processing' }).success).toBe(false);
		const { download_url, download_urls, ...failed } = { ...completed, status: 'failed', result_count: 0, entities_fulfilled: 0 };
		expect(download_url && download_urls).toBeTruthy();
		expect(batchStatusAnswer.safeParse({ ...failed, error_message: 'Internal processing error' }).success).toBe(true);
		expect(batchStatusAnswer.safeParse(failed).success).toBe(false);
		const { download_url: _merged, download_urls: _parts, ...unlinked } = completed;
		expect([_merged, _parts].every(Boolean)).toBe(true);
		expect(batchStatusAnswer.safeParse(unlinked).success).toBe(false);
		expect(batchStatusAnswer.safeParse({ ...unlinked, result_count: 0, entities_fulfilled: 0 }).success).toBe(true);
		expect(batchStatusAnswer.safeParse({ ...completed, entity: 'person', entities_fulfilled: 3 }).success).toBe(false);
	});

	it("parses the reference's record, and refuses a confidence_score, an internal_id of another person or missing default sections", () => {
		expect(batchRecord(1).safeParse(record).success).toBe(true);
		expect(batchRecord(1).safeParse({ ...record, confidence_score: 1 }).success).toBe(false);
		expect(batchRecord(1).safeParse({ ...record, internal_id: 1 }).success).toBe(false);
		const { social_handles, ...withoutHandles } = record.data;
		expect(social_handles).toBeDefined();
		expect(batchRecord(1).safeParse({ ...record, data: withoutHandles }).success).toBe(false);
		expect(batchRecord(2).safeParse({ ...record, data: { ...record.data, assessment: { score: 80 } } }).success).toBe(true);
		expect(batchRecord(1).safeParse({ ...record, data: { ...record.data, assessment: { score: 80 } } }).success).toBe(false);
		const file = `${JSON.stringify(record)}\n${JSON.stringify({ ...record, original_identifier: 'https://www.linkedin.com/in/someone-else' })}\n`;
		expect(batchRecordViolations(file)).toEqual([]);
		expect(batchRecordViolations(file, { identifiers: [DVDHSU] })).toEqual(['record 2: "https://www.linkedin.com/in/someone-else" is no identifier the job was sent']);
		expect(batchRecordViolations(`${JSON.stringify(record)}\nnot json`)).toEqual(['the last line is not ended by \\n', 'record 2: not a JSON line: "not json"']);
	});

	it('checks batch exchanges in the request log: an accepted submit the API refuses, a miscounted answer, a status of another job', () => {
		const exchange = (overrides: Partial<SandboxRequestLogEntry>): SandboxRequestLogEntry => ({
			...log(),
			path: '/batch/person/enrich',
			headers: { 'x-api-version': '2025-11-01' },
			body: submit,
			answer: { body: accepted, headers: {} },
			...overrides,
		});
		expect(contractViolations([exchange({})])).toEqual([]);
		expect(contractViolations([exchange({ body: { ...submit, chunk_size: 5 } })])).toEqual([
			'POST /batch/person/enrich → 200: accepted a request the API refuses: chunk_size: Number must be greater than or equal to 10',
		]);
		expect(contractViolations([exchange({ headers: {} })])).toEqual(['POST /batch/person/enrich → 200: accepted a submit without x-api-version']);
		expect(contractViolations([exchange({ body: { professional_network_profile_urls: `${DVDHSU},https://www.linkedin.com/in/ada` } })])).toEqual([
			'POST /batch/person/enrich → 200: identifier_count 1 for 2 identifiers sent',
		]);
		const status = (body: unknown) => exchange({ method: 'GET', path: `/batch/${completed.batch_id}`, body: '', answer: { body, headers: {} } });
		expect(contractViolations([status(completed)])).toEqual([]);
		expect(contractViolations([status({ ...completed, batch_id: BATCH_ID })])).toEqual([`GET /batch/${completed.batch_id} → 200: answers for batch ${BATCH_ID}, not ${completed.batch_id}`]);
		expect(contractViolations([status({ ...completed, error_message: 'x' })])).toEqual([
			`GET /batch/${completed.batch_id} → 200: the answer breaks the contract: error_message: error_message on a completed job`,
		]);
		const tooMany = exchange({ status: 429, answer: { body: { error: { type: 'rate_limit_exceeded', message: 'Too many active batch jobs', metadata: [] } }, headers: {} } });
		expect(contractViolations([tooMany])).toEqual([]);
		const wrongType = exchange({ status: 429, answer: { body: { error: { type: 'too_many_jobs', message: 'Too many active batch jobs', metadata: [] } }, headers: {} } });
		expect(contractViolations([wrongType])).toHaveLength(1);
	});
});

describe('the contact batch contract, against the notes ("Contact in batch")', () => {
	const DVDHSU = 'https://www.linkedin.com/in/dvdhsu/';
	const urls = (count: number) => Array.from({ length: count }, (_, i) => `https://www.linkedin.com/in/person-${i}`);
	const data = {
		professional_network_url: 'https://www.linkedin.com/in/dvdhsu',
		person_id: 14540,
		business_email: [{ email: 'david@retool.com', status: 'deliverable' }],
		personal_contact_info: { personal_emails: [], phone_numbers: ['+1 415 555 0100'] },
	};
	const envelope = { original_identifier: DVDHSU, internal_id: 14540, data };

	it('takes profile URLs only, 1 to 300, and a required fields list in its own vocabulary', () => {
		expect(batchContactSubmitRequest.safeParse({ professional_network_profile_urls: [DVDHSU], fields: ['business_email', 'personal_contact_info'] }).success).toBe(true);
		expect(batchContactSubmitRequest.safeParse({ professional_network_profile_urls: urls(300).join(','), fields: 'personal_contact_info.phone_numbers', webhook_url: 'https://hooks.example.com/done' }).success).toBe(true);
		for (const wrong of [
			{ professional_network_profile_urls: urls(301), fields: ['business_email'] },
			{ professional_network_profile_urls: urls(301).join(','), fields: ['business_email'] },
			{ professional_network_profile_urls: [], fields: ['business_email'] },
			{ professional_network_profile_urls: [DVDHSU] },
			{ professional_network_profile_urls: [DVDHSU], fields: [] },
			{ professional_network_profile_urls: [DVDHSU], fields: ['contact.business_emails'] },
			{ professional_network_profile_urls: [DVDHSU], fields: ['websites'] },
			{ business_emails: ['david@retool.com'], fields: ['business_email'] },
			{ professional_network_profile_urls: [DVDHSU], fields: ['business_email'], chunk_size: 100 },
			{ professional_network_profile_urls: [DVDHSU], fields: ['business_email'], verified: true },
		]) {
			expect(batchContactSubmitRequest.safeParse(wrong).success).toBe(false);
		}
		const answer = { batch_id: 'b1', status: 'pending', entity: 'person', action: 'contact_enrich', identifier_count: 300, entities_requested: 300, status_url: '/batch/b1' };
		expect(batchContactSubmitAnswer.safeParse(answer).success).toBe(true);
		expect(batchContactSubmitAnswer.safeParse({ ...answer, identifier_count: 301, entities_requested: 301 }).success).toBe(false);
	});

	it('reads a record in the envelope or bare, and refuses websites, last_updated, a wrong internal_id or a person without id', () => {
		expect(batchContactRecord.safeParse(envelope).success).toBe(true);
		expect(batchContactRecord.safeParse(data).success).toBe(true);
		expect(batchContactRecord.safeParse({ professional_network_url: data.professional_network_url, person_id: 1 }).success).toBe(true);
		expect(batchContactRecord.safeParse({ ...envelope, internal_id: 1 }).success).toBe(false);
		expect(batchContactRecord.safeParse({ ...data, websites: [] }).success).toBe(false);
		expect(batchContactRecord.safeParse({ ...data, business_email: [{ email: 'david@retool.com', status: 'deliverable', last_updated: '2026-07-01' }] }).success).toBe(false);
		const { person_id, ...anonymous } = data;
		expect(person_id).toBe(14540);
		expect(batchContactRecord.safeParse(anonymous).success).toBe(false);
		expect(batchContactRecord.safeParse({ ...envelope, data: { contact: { business_emails: [] } } }).success).toBe(false);
	});

	it('finds records of other identifiers, or other parts than the job asked for, in either shape', () => {
		const file = `${JSON.stringify(envelope)}\n${JSON.stringify(data)}\n`;
		expect(batchContactRecordViolations(file, { identifiers: [DVDHSU], fields: ['business_email', 'personal_contact_info'] })).toEqual([]);
		expect(batchContactRecordViolations(file, { identifiers: ['https://www.linkedin.com/in/ada'] })).toEqual([
			'record 1: "https://www.linkedin.com/in/dvdhsu/" is no identifier the job was sent',
		]);
		expect(batchContactRecordViolations(file, { fields: ['business_email'] })).toEqual([
			'record 1: carries business_email, personal_contact_info.personal_emails, personal_contact_info.phone_numbers, not the business_email asked for',
			'record 2: carries business_email, personal_contact_info.personal_emails, personal_contact_info.phone_numbers, not the business_email asked for',
		]);
		expect(batchContactRecordViolations([{ ...data, personal_contact_info: { phone_numbers: [] } }], { fields: ['personal_contact_info.phone_numbers', 'business_email'] })).toEqual([]);
		expect(batchContactRecordViolations(`${JSON.stringify(data)}\nnot json\n`)).toEqual(['record 2: not a JSON line: "not json"']);
	});
});
