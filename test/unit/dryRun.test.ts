import type { AccountReading } from '../../nodes/CrustdataPersonEnrich/account/accountLimits';
import { dryRunHints, dryRunReport, secondsAtLimit, type AccountFacts } from '../../nodes/CrustdataPersonEnrich/run/dryRun';
import { planJobs } from '../../nodes/CrustdataPersonEnrich/batch/jobPlanning';
import { planRequests } from '../../nodes/CrustdataPersonEnrich/planning/requestPlanning';
import type { EnrichSettings, ContactSource } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith } from './settingsFixture';

const rateLimit = (requestsPerMinute: number) => ({ requestsPerMinute, source: 'test' });

function facts(settings: EnrichSettings, source?: ContactSource, readings: AccountReading[] = []): AccountFacts {
	return {
		settings,
		account: { rateLimit: rateLimit(15) },
		contactVerdict: source && { source, rateLimit: rateLimit(10), mayMove: true },
		readings,
		balance: 100,
	};
}

const slugs = (count: number) => Array.from({ length: count }, (_, i) => `linkedin.com/in/p${i}`);

describe('secondsAtLimit', () => {
	it('counts the windows a sliding limit makes the last request wait for', () => {
		expect(secondsAtLimit(0, 15)).toBe(0);
		expect(secondsAtLimit(15, 15)).toBe(0);
		expect(secondsAtLimit(16, 15)).toBe(60);
		expect(secondsAtLimit(40, 15)).toBe(120);
	});
});

describe('dryRunReport', () => {
	const contact = { tiers: ['business_emails' as const], verified: false };

	it('counts the lookups, duplicates and rejected inputs of the plan, with the raw identifier', () => {
		const raw = ['linkedin.com/in/a', 'https://www.linkedin.com/in/A/', 42, undefined, 'linkedin.com/in/b'];
		const report = dryRunReport(planRequests(raw, 'profileUrl', 25), raw, facts(settingsWith({})));
		expect(report).toMatchObject({ inputs: 5, unique_identifiers: 2, duplicates: 1, requests: 1, max_credits: 2, credits_available: 100 });
		expect(report.rejected).toEqual([
			{ item: 2, identifier: '42', reason: 'The profile URL must be text, not number' },
			{ item: 3, identifier: '', reason: 'The profile URL is empty' },
		]);
	});

	it('shows at most about 100 characters of each rejected identifier, so a huge input makes no huge item', () => {
		const raw = ['x'.repeat(100_000), { note: 'y'.repeat(100_000) }];
		const report = dryRunReport(planRequests(raw, 'profileUrl', 25), raw, facts(settingsWith({})));
		expect(report.rejected.map(({ identifier }) => identifier)).toEqual([`${'x'.repeat(100)}…`, `{"note":"${'y'.repeat(91)}…`]);
		expect(JSON.stringify(report).length).toBeLessThan(1_000);
	});

	it('adds a contact request for every batch of people found where contact data comes from its own endpoint', () => {
		const settings = settingsWith({ fields: ['basic_profile'], contact });
		const plan = planRequests(slugs(60), 'profileUrl', 25);
		expect(dryRunReport(plan, [], facts(settings, 'profile'))).toMatchObject({ requests: 3, max_credits: 120 });
		expect(dryRunReport(plan, [], facts(settings, 'contactEndpoint'))).toMatchObject({ requests: 6, max_credits: 120 });
		// The account could not say: the run may move to the contact endpoint, so the most it could send counts those too.
		expect(dryRunReport(plan, [], facts(settings, 'untold'))).toMatchObject({ requests: 6, max_credits: 120 });
	});

	it('under Max Credits, counts the requests of the lookups the cap affords when everyone is found, the last one shrunk', () => {
		const plan = planRequests(slugs(100), 'profileUrl', 25);
		const capped = (maxCredits: number, contactSource?: ContactSource) =>
			dryRunReport(plan, [], facts(settingsWith({ maxCredits, contact: contactSource && contact }), contactSource));
		expect(capped(30)).toMatchObject({ requests: 2, max_credits: 30, estimated_seconds: 0 });
		expect(capped(50)).toMatchObject({ requests: 2, max_credits: 50 });
		expect(capped(51)).toMatchObject({ requests: 3, max_credits: 51 });
		expect(capped(0.5)).toMatchObject({ requests: 0, max_credits: 0 });
		expect(capped(1000)).toMatchObject({ requests: 4, max_credits: 100 });
		// Each person reserves a profile and its contact data (2 credits): 21 afford 10 of them, in one request to each endpoint.
		expect(capped(21, 'contactEndpoint')).toMatchObject({ requests: 2, max_credits: 21 });
	});

	it('takes the longest of the two endpoints at their limits and of both under the key limit', () => {
		const settings = settingsWith({ contact });
		const plan = planRequests(slugs(25 * 12), 'profileUrl', 25);
		// 12 requests each: the profile endpoint (15 a minute) fits them in one window, the contact endpoint (10) does not.
		expect(dryRunReport(plan, [], facts(settings, 'contactEndpoint')).estimated_seconds).toBe(60);
		const keyLimit: AccountReading = {
			access: { path: '/person/enrich', enabled: true, keyLimit: 5, disabledFields: [] },
		};
		expect(dryRunReport(plan, [], facts(settings, 'contactEndpoint', [keyLimit])).estimated_seconds).toBe(240);
	});
});

describe('dryRunHints', () => {
	it('says that each further candidate of an email lookup adds contact data the figures do not count', () => {
		const settings = settingsWith({ identifierType: 'businessEmail', contact: { tiers: ['phone_numbers'], verified: false } });
		const plan = planRequests(['a@acme.io'], 'businessEmail', 25);
		const messages = (source: ContactSource, returnMatches: 'all' | 'best') => {
			const account = facts({ ...settings, returnMatches }, source);
			return dryRunHints(dryRunReport(plan, [], account), account, false).map((hint) => hint.message);
		};
		expect(messages('contactEndpoint', 'all')).toEqual([
			'Dry run: nothing billable was sent; the run would send at most 2 requests and cost at most 3 credits',
			'The figures count one person for each email, and each further candidate Crustdata returns costs up to 2 credits more for contact data; set Return Matches to Best Match Only to rule that out',
		]);
		expect(messages('contactEndpoint', 'best')).toHaveLength(1);
		expect(messages('profile', 'all')).toHaveLength(1);
	});

	it('warns that a run that stops on errors would stop at the first rejected item', () => {
		const raw = ['linkedin.com/in/a', 'not a url'];
		const account = facts(settingsWith({}));
		const report = dryRunReport(planRequests(raw, 'profileUrl', 25), raw, account);
		expect(dryRunHints(report, account, true).map((hint) => hint.message)).toContain(
			'The run would stop at item 1 before sending anything: "not a url" is not a LinkedIn profile URL; fix the rejected items, or set On Error to Continue',
		);
		expect(dryRunHints(report, account, false)).toHaveLength(1);
	});

	it('says how many lookups the cap would leave unsent and what the run could cost without it, when the cap is lower', () => {
		const account = facts(settingsWith({ maxCredits: 12 }));
		const report = dryRunReport(planRequests(slugs(30), 'profileUrl', 25), [], account);
		expect(report.max_credits).toBe(12);
		expect(dryRunHints(report, account, false).map((hint) => hint.message)).toEqual([
			'Dry run: nothing billable was sent; the run would send 1 request if everyone is found and cost at most 12 credits',
			'At the cap of 12 credits, 18 of 30 lookups would be left unsent if everyone is found (no-matches cost nothing and leave room for more); without Max Credits the run could cost up to 30 credits',
		]);
		expect(dryRunHints(report, account, true)[1].message).toMatch(
			/, and with On Error set to Stop Workflow a run that leaves inputs unsent fails and outputs nothing$/,
		);
		const roomy = facts(settingsWith({ maxCredits: 30 }));
		expect(dryRunHints(dryRunReport(planRequests(slugs(30), 'profileUrl', 25), [], roomy), roomy, false)).toHaveLength(1);
	});

	it('says when the cap is below what one lookup can cost, so the run would send nothing', () => {
		const account = facts(settingsWith({ maxCredits: 0.5 }));
		const report = dryRunReport(planRequests(slugs(3), 'profileUrl', 25), [], account);
		expect(dryRunHints(report, account, false).map((hint) => hint.message)).toEqual([
			'Dry run: nothing billable was sent; the run would send 0 requests if everyone is found and cost at most 0 credits',
			'At the cap of 0.5 credits the run would send nothing, as one lookup can cost up to 1 credit; raise Max Credits',
		]);
	});
});

describe('dry run with batch jobs', () => {
	const batch = (overrides: Partial<EnrichSettings> = {}) => settingsWith({ operation: 'enrichBatch', ...overrides });

	it('counts jobs of up to 10,000 as its requests, prices them from the price table, and promises no time', () => {
		const plan = planJobs(slugs(25_001), 'profileUrl');
		expect(dryRunReport(plan, [], facts(batch()))).toMatchObject({ unique_identifiers: 25_001, requests: 3, max_credits: 25_001, estimated_seconds: null });
		expect(dryRunReport(plan, [], facts(batch({ fields: ['basic_profile', 'dev_platform_profiles'] }))).max_credits).toBe(50_002);
	});

	it('under Max Credits, counts only the jobs the cap affords', () => {
		const plan = planJobs(slugs(25_001), 'profileUrl');
		expect(dryRunReport(plan, [], facts(batch({ maxCredits: 10_500 })))).toMatchObject({ requests: 2, max_credits: 10_500 });
		expect(dryRunReport(plan, [], facts(batch({ maxCredits: 0.5 })))).toMatchObject({ requests: 0, max_credits: 0 });
	});

	it('says what it would send in batch jobs', () => {
		const settings = batch({ maxCredits: 10_500 });
		const report = dryRunReport(planJobs(slugs(25_001), 'profileUrl'), [], facts(settings));
		expect(dryRunHints(report, facts(settings), false)[0].message).toBe(
			'Dry run: nothing billable was sent; the run would send 2 batch jobs if everyone is found and cost at most 10,500 credits',
		);
	});

	it('counts contact jobs of 300 for each profile job, and requests for websites, when contact data has its own endpoints', () => {
		const contact = { tiers: ['business_emails' as const, 'websites' as const], verified: false };
		const settings = batch({ contact });
		const onEndpoints = { ...facts(settings, 'contactEndpoint'), websitesVerdict: { source: 'contactEndpoint' as const, rateLimit: rateLimit(15), mayMove: true } };
		const report = dryRunReport(planJobs(slugs(10_001), 'profileUrl'), [], onEndpoints);
		// 2 profile jobs, 34 + 1 contact jobs, and 401 requests of 25 for websites; 1 + 1 credit a person.
		expect(report).toMatchObject({ requests: 2 + 35 + 401, max_credits: 20_002, estimated_seconds: null });
		expect(dryRunHints(report, onEndpoints, false)[0].message).toBe(
			'Dry run: nothing billable was sent; the run would send at most 37 batch jobs and 401 requests for websites and cost at most 20,002 credits',
		);
		expect(dryRunReport(planJobs(slugs(10_001), 'profileUrl'), [], facts(settings, 'profile'))).toMatchObject({ requests: 2, max_credits: 20_002 });
	});

	it('prices contact data into what the cap affords, so it counts fewer jobs', () => {
		const settings = batch({ maxCredits: 10_000, contact: { tiers: ['phone_numbers'], verified: false } });
		expect(dryRunReport(planJobs(slugs(10_000), 'profileUrl'), [], facts(settings, 'contactEndpoint'))).toMatchObject({ requests: 1 + 12, max_credits: 10_000 });
	});
});
