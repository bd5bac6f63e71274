import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Sandbox } from '../sandbox/server';
import { enrichRequests, runNode, useSandbox } from './runNode';

// The employer check of email lookups through n8n's engine and real HTTP to the sandbox, whose
// dataset has candidates at the email's company, elsewhere, with no employer, and look-alikes.

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const EMAILS = [
	'jane.doe@mail.acme.io',
	'elsewhere.jane.doe@acme.io',
	'unemployed.sam.lee@acme.io',
	'lookalike.jane.doe@acme.co.uk',
	'mixed.jane.doe@acme.io',
];

const emailRun = async (options: INodeParameters = {}, fields = ['basic_profile'], emails = EMAILS) =>
	await runNode(sandbox, {
		items: emails.map((email) => ({ email })),
		parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}', fields, options },
	});
const flagOf = (json: IDataObject) => (json.verification as { email_domain_matches_employer: boolean | null } | undefined)?.email_domain_matches_employer;

describe('the employer check', () => {
	it("flags every match by its current employers' domains, and outputs only the chosen fields", async () => {
		const run = await emailRun();
		expect(enrichRequests(sandbox)[0].body).toHaveProperty('fields', ['basic_profile', 'experience.employment_details.current.company_website_domain']);
		expect(run.outputs[0].map((item) => [item.json.matched_on, item.json.confidence_score, flagOf(item.json)])).toEqual([
			['jane.doe@mail.acme.io', 0.85, true],
			['elsewhere.jane.doe@acme.io', 0.89, false],
			['unemployed.sam.lee@acme.io', 0.97, null],
			['lookalike.jane.doe@acme.co.uk', 0.85, false],
			['mixed.jane.doe@acme.io', 0.93, false],
			['mixed.jane.doe@acme.io', 0.71, true],
			['mixed.jane.doe@acme.io', 0.48, null],
		]);
		for (const item of run.outputs[0]) expect(Object.keys(item.json.person_data as object).sort()).toEqual(['basic_profile', 'crustdata_person_id']);
		// The employers' domains cost nothing: every email found is billed its base profile only.
		expect(sandbox.creditsUsed).toBe(EMAILS.length);
	});

	it('reads the domains from Experience when it is chosen, and asks for nothing more', async () => {
		const run = await emailRun({}, ['basic_profile', 'experience']);
		expect(enrichRequests(sandbox)[0].body).toHaveProperty('fields', ['basic_profile', 'experience']);
		expect(run.outputs[0].map((item) => flagOf(item.json))).toEqual([true, false, null, false, false, true, null]);
		expect(run.outputs[0][0].json.person_data).toHaveProperty('experience.employment_details.current.0.company_website_domain', 'acme.io');
	});

	it('keeps only candidates at the employer with the option on, before Best Match Only, and makes the rest no-matches', async () => {
		const run = await emailRun({ requireEmployerDomainMatch: true, returnMatches: 'best' });
		expect(run.outputs[0].map((item) => [item.json.matched_on, item.json.match_status, item.json.confidence_score])).toEqual([
			['jane.doe@mail.acme.io', 'matched', 0.85],
			['elsewhere.jane.doe@acme.io', 'not_found', null],
			['unemployed.sam.lee@acme.io', 'not_found', null],
			['lookalike.jane.doe@acme.co.uk', 'not_found', null],
			['mixed.jane.doe@acme.io', 'matched', 0.71],
		]);
	});

	it('flags false when a current employer without a domain sits beside one at another domain, and drops it with the option on', async () => {
		const sidejob = async (options: INodeParameters) => await emailRun(options, ['basic_profile', 'experience'], ['sidejob.jane.doe@acme.io']);
		const flagged = await sidejob({});
		const current = ((flagged.outputs[0][0].json.person_data as IDataObject).experience as IDataObject).employment_details as {
			current: Array<{ company_website_domain: string }>;
		};
		expect(current.current.map((job) => job.company_website_domain)).toContain('');
		expect(current.current.some((job) => job.company_website_domain !== '')).toBe(true);
		expect(flagOf(flagged.outputs[0][0].json)).toBe(false);
		const required = await sidejob({ requireEmployerDomainMatch: true });
		expect(required.outputs[0].map((item) => item.json.match_status)).toEqual(['not_found']);
	});

	it("flags null and asks for no employers' domains on an account denied Experience", async () => {
		sandbox.configure({ gatedSections: ['certifications', 'honors', 'experience'] });
		const run = await emailRun();
		expect(run.status).toBe('success');
		expect(enrichRequests(sandbox)[0].body).toHaveProperty('fields', ['basic_profile']);
		expect(run.outputs[0].every((item) => flagOf(item.json) === null)).toBe(true);
	});

	it('refuses the option before spending on an account denied Experience', async () => {
		sandbox.configure({ gatedSections: ['certifications', 'honors', 'experience'] });
		const run = await emailRun({ requireEmployerDomainMatch: true });
		expect(run.error?.message).toMatch(/^Require Employer Domain Match needs the employers' domains/);
		expect(enrichRequests(sandbox)).toEqual([]);
	});

	it('asks for contact data of the kept candidates only', async () => {
		sandbox.configure({ apiGeneration: 2 });
		const run = await runNode(sandbox, {
			items: [{ email: 'mixed.jane.doe@acme.io' }],
			parameters: {
				identifierType: 'businessEmail',
				businessEmail: '={{ $json.email }}',
				fields: ['basic_profile', 'contact'],
				options: { requireEmployerDomainMatch: true },
			},
		});
		expect(run.outputs[0].map((item) => item.json.confidence_score)).toEqual([0.71]);
		const asked = enrichRequests(sandbox).filter((request) => request.path === '/person/contact/enrich');
		expect(asked.map((request) => (request.body as IDataObject).professional_network_profile_urls)).toEqual([[expect.any(String)]]);
	});

	it("gives Simplify no employer the user did not ask for", async () => {
		const run = await emailRun({ simplify: true });
		expect(run.outputs[0][0].json.person).toMatchObject({ current_company: null, current_company_domain: null });
	});

	it('lets On No Match decide for an input left with no candidate', async () => {
		const run = await emailRun({ requireEmployerDomainMatch: true, onNoMatch: 'skip' });
		expect(run.outputs[0].map((item) => item.json.matched_on)).toEqual(['jane.doe@mail.acme.io', 'mixed.jane.doe@acme.io']);
	});
});
