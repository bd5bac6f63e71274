import {
	accountCreditsAnswer,
	accountEndpointsAnswer,
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
