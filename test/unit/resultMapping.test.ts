import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { overCapFailure } from '../../nodes/CrustdataPersonEnrich/credits/creditCap';
import { normaliseProfileUrl, planRequests } from '../../nodes/CrustdataPersonEnrich/planning/requestPlanning';
import {
	addSimplePerson,
	failsInput,
	indexAnswers,
	joinResults,
	throwOnFailedInput,
	resultsForEntry,
	selectMatches,
	toOutputItems,
	withoutFieldsTheNodeAskedFor,
} from '../../nodes/CrustdataPersonEnrich/results/resultMapping';
import type { ApiEntry, ItemFailure, RateLimit } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith } from './settingsFixture';
import { stoppedRunNotes, summariseRun } from '../../nodes/CrustdataPersonEnrich/run/runSummary';

const URL_TYPE = 'professional_network_profile_url';
const url = (slug: string) => `https://www.linkedin.com/in/${slug}`;
const person = (id: number) => ({ crustdata_person_id: id, basic_profile: { name: `Person ${id}` } });
const matched = (slug: string, id: number): ApiEntry => ({
	matched_on: url(slug),
	match_type: URL_TYPE,
	matches: [{ confidence_score: 1, person_data: person(id) }],
});
const node: INode = {
	id: 'n1',
	name: 'Crustdata Person Enrich',
	type: 'n8n-nodes-crustdata-enrich.crustdataPersonEnrich',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('indexAnswers', () => {
	it('joins on matched_on, whatever the order of the answer', () => {
		const answers = indexAnswers([matched('b', 2), matched('a', 1)], normaliseProfileUrl);
		expect(answers.get(url('a'))?.matches?.[0].person_data).toEqual(person(1));
		expect(answers.get(url('b'))?.matches?.[0].person_data).toEqual(person(2));
	});

	it('normalises matched_on again, so a trailing slash in the echo still joins', () => {
		const answers = indexAnswers([{ ...matched('a', 1), matched_on: 'https://linkedin.com/in/a/' }], normaliseProfileUrl);
		expect(answers.has(url('a'))).toBe(true);
	});
});

describe('selectMatches', () => {
	const candidates = [
		{ confidence_score: 0.62, person_data: person(1) },
		{ confidence_score: 0.97, person_data: person(2) },
		{ confidence_score: 0.35, person_data: person(3) },
	];

	it('returns every candidate, in the API order, by default', () => {
		expect(selectMatches(candidates, settingsWith({}))).toEqual(candidates);
	});

	it('returns only the highest confidence score for best', () => {
		expect(selectMatches(candidates, settingsWith({ returnMatches: 'best' }))).toEqual([candidates[1]]);
	});

	it('drops email candidates below the similarity threshold', () => {
		const settings = settingsWith({ identifierType: 'businessEmail', minSimilarityScore: 0.6 });
		expect(selectMatches(candidates, settings)).toEqual([candidates[0], candidates[1]]);
	});
});

describe('resultsForEntry', () => {
	it('gives one record per match with the contract keys', () => {
		expect(resultsForEntry(url('a'), matched('a', 1), settingsWith({}), URL_TYPE)).toEqual({
			results: [
				{
					matched_on: url('a'),
					match_type: URL_TYPE,
					match_status: 'matched',
					confidence_score: 1,
					person_data: person(1),
				},
			],
		});
	});

	const empty: ApiEntry = { matched_on: url('nobody'), matches: [] };
	const redacted: ApiEntry = { matched_on: url('gone'), match_status: 'redacted', matches: [] };

	it('emits one not_found record for no match, by default', () => {
		expect(resultsForEntry(url('nobody'), empty, settingsWith({}), URL_TYPE)).toEqual({
			results: [
				{ matched_on: url('nobody'), match_type: URL_TYPE, match_status: 'not_found', confidence_score: null, person_data: null },
			],
		});
	});

	it('keeps redacted as its own status', () => {
		expect(resultsForEntry(url('gone'), redacted, settingsWith({}), URL_TYPE)).toHaveProperty(
			'results.0.match_status',
			'redacted',
		);
	});

	it('skips or fails a no-match as On No Match says', () => {
		expect(resultsForEntry(url('nobody'), empty, settingsWith({ onNoMatch: 'skip' }), URL_TYPE)).toEqual({ results: [] });
		const failed = resultsForEntry(url('gone'), redacted, settingsWith({ onNoMatch: 'error' }), URL_TYPE);
		expect(failed).toHaveProperty('failure.message', expect.stringContaining('opted out'));
	});

	it('takes out what the node asked for only for itself, and keeps what the user chose', () => {
		const personData = {
			basic_profile: { name: 'Jane' },
			experience: { employment_details: { current: [{ company_website_domain: 'acme.io' }] } },
			social_handles: { professional_network_identifier: { profile_url: url('jane') } },
		};
		const outcome = { itemIndex: 0, identifier: 'jane@acme.io', results: [{ matched_on: 'jane@acme.io', person_data: personData }] };
		const byEmail = settingsWith({ identifierType: 'businessEmail', fields: ['basic_profile'], contact: { tiers: ['business_emails'], verified: false } });
		expect(withoutFieldsTheNodeAskedFor([outcome], byEmail)).toEqual([{ ...outcome, results: [{ matched_on: 'jane@acme.io', person_data: { basic_profile: { name: 'Jane' } } }] }]);
		const chosen = { ...byEmail, fields: ['basic_profile', 'experience', 'social_handles'] };
		expect(withoutFieldsTheNodeAskedFor([outcome], chosen)).toEqual([outcome]);
	});

	it('adds a flat person beside person_data with Simplify, null for no match', () => {
		const plan = planRequests(['linkedin.com/in/a', 'linkedin.com/in/nobody', 'bad'], 'profileUrl', 25);
		const outcomes = joinResults(plan.inputs, indexAnswers([matched('a', 1), empty], normaliseProfileUrl), new Map(), settingsWith({}), URL_TYPE);
		const [found, notFound, failed] = addSimplePerson(outcomes);
		expect(found).toHaveProperty('results.0.person.name', 'Person 1');
		expect(found).toHaveProperty('results.0.person_data', person(1));
		expect(notFound).toHaveProperty('results.0.person', null);
		expect(failed).toEqual(outcomes[2]);
		expect(outcomes[0]).not.toHaveProperty('results.0.person');
	});

	describe('the employer check of email lookups', () => {
		const at = (domain: string | null, id: number) => ({
			confidence_score: id / 100,
			person_data: {
				crustdata_person_id: id,
				experience: { employment_details: { current: domain ? [{ name: 'Co', company_website_domain: domain }] : [], past: [] } },
			},
		});
		const entry: ApiEntry = { matched_on: 'jane@mail.acme.io', matches: [at('globex.com', 93), at('acme.io', 71), at(null, 50)] };
		const byEmail = settingsWith({ identifierType: 'businessEmail' });
		const flags = (outcome: ReturnType<typeof resultsForEntry>) =>
			'results' in outcome ? outcome.results.map((result) => (result.verification as { email_domain_matches_employer: unknown }).email_domain_matches_employer) : [];

		it('flags every match: true at the email domain, false elsewhere, null when no employer is known', () => {
			expect(flags(resultsForEntry('jane@mail.acme.io', entry, byEmail, 'business_email'))).toEqual([false, true, null]);
			expect(resultsForEntry(url('a'), matched('a', 1), settingsWith({}), URL_TYPE)).not.toHaveProperty('results.0.verification');
		});

		it('keeps only the candidates at the email domain before Return Matches picks the best', () => {
			const required = { ...byEmail, requireEmployerDomainMatch: true, returnMatches: 'best' as const };
			const kept = resultsForEntry('jane@mail.acme.io', entry, required, 'business_email');
			expect(kept).toHaveProperty('results.0.confidence_score', 0.71);
			expect(kept).toHaveProperty('results.length', 1);
		});

		it('fails an input left with no candidate at the employer, for a node that stops early', () => {
			const required = { ...byEmail, requireEmployerDomainMatch: true, onNoMatch: 'error' as const };
			expect(failsInput(entry, required)).toBe(false);
			const elsewhere: ApiEntry = { matched_on: 'jane@acme.io', matches: [at('globex.com', 93)] };
			expect(failsInput(elsewhere, required)).toBe(true);
			expect(failsInput(elsewhere, { ...required, requireEmployerDomainMatch: false })).toBe(false);
		});

		it('drops them before the similarity threshold, and makes an input left with none a no-match', () => {
			const required = { ...byEmail, requireEmployerDomainMatch: true, minSimilarityScore: 0.8 };
			expect(resultsForEntry('jane@mail.acme.io', entry, required, 'business_email')).toHaveProperty('results.0.match_status', 'not_found');
			expect(resultsForEntry('jane@mail.acme.io', entry, { ...required, onNoMatch: 'error' }, 'business_email')).toHaveProperty('failure');
		});
	});

	it('counts a match filtered out by the threshold as no match', () => {
		const entry: ApiEntry = { matched_on: 'a@b.io', matches: [{ confidence_score: 0.3, person_data: person(1) }] };
		const settings = settingsWith({ identifierType: 'businessEmail', minSimilarityScore: 0.5 });
		expect(resultsForEntry('a@b.io', entry, settings, 'business_email')).toHaveProperty('results.0.match_status', 'not_found');
	});
});

describe('failsInput', () => {
	const entries: Record<string, ApiEntry> = {
		matched: matched('a', 1),
		'not found': { matched_on: url('nobody'), matches: [] },
		redacted: { matched_on: url('gone'), match_status: 'redacted', matches: [] },
		'below the threshold': { matched_on: url('low'), matches: [{ confidence_score: 0.3, person_data: person(2) }] },
	};
	const settingsCases = (['emitItem', 'skip', 'error'] as const).flatMap((onNoMatch) => [
		settingsWith({ onNoMatch }),
		settingsWith({ onNoMatch, identifierType: 'businessEmail', minSimilarityScore: 0.5 }),
	]);

	it.each(Object.entries(entries))('agrees with resultsForEntry on whether %s fails its input', (_, entry) => {
		for (const settings of settingsCases) {
			const failsWhenMapped = 'failure' in resultsForEntry(entry.matched_on, entry, settings, URL_TYPE);
			expect(failsInput(entry, settings)).toBe(failsWhenMapped);
		}
	});

	it('fails only unmatched inputs, and only under On No Match = Error', () => {
		const error = settingsWith({ onNoMatch: 'error' });
		expect(Object.values(entries).map((entry) => failsInput(entry, error))).toEqual([false, true, true, false]);
		expect(Object.values(entries).some((entry) => failsInput(entry, settingsWith({})))).toBe(false);
	});
});

describe('joinResults and toOutputItems', () => {
	const rawInputs = ['linkedin.com/in/a', 'bad', 'https://www.linkedin.com/in/a/', 'linkedin.com/in/b', 'linkedin.com/in/c'];
	const plan = planRequests(rawInputs, 'profileUrl', 25);
	const rejected: ItemFailure = { source: 'api', message: 'Crustdata rejected this identifier: x', description: 'Fix it', httpCode: '400' };
	const outcomes = joinResults(
		plan.inputs,
		indexAnswers([matched('a', 1)], normaliseProfileUrl),
		new Map([[url('b'), rejected]]),
		settingsWith({}),
		URL_TYPE,
	);

	it('gives every input its own result, shared identifiers included', () => {
		expect(outcomes.map((outcome) => ('failure' in outcome ? outcome.failure.message : outcome.results.length))).toEqual([
			1,
			'"bad" is not a LinkedIn profile URL',
			1,
			'Crustdata rejected this identifier: x',
			'Crustdata answered the request without an entry for this identifier',
		]);
	});

	it('pairs every output item with the input it came from', () => {
		const items = toOutputItems(outcomes, node);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(items[0].json.person_data).toEqual(person(1));
		expect(items[2].json.person_data).toEqual(person(1));
	});

	it('continues with error items carrying the message and the identifier', () => {
		const items = toOutputItems(outcomes, node);
		expect(items[1].json).toEqual({ error: '"bad" is not a LinkedIn profile URL', matched_on: '' });
		expect(items[3].json).toEqual({ error: 'Crustdata rejected this identifier: x', matched_on: url('b') });
	});

	it('gives error items only `error` for the error output, so n8n routes them there', () => {
		const items = toOutputItems(outcomes, { ...node, onError: 'continueErrorOutput' });
		expect(items[1].json).toEqual({ error: '"bad" is not a LinkedIn profile URL' });
	});

	it('keeps the input fields when asked, never over the node\'s own keys', () => {
		const inputs = [{ crm_id: 'c-1', matched_on: 'from the sheet', match_status: 'lead' }];
		const items = toOutputItems(outcomes.slice(0, 2), node, (itemIndex) => (itemIndex === 0 ? inputs[0] : { crm_id: 'c-2' }));
		expect(items[0].json).toMatchObject({ crm_id: 'c-1', matched_on: url('a'), match_status: 'matched' });
		expect(items[1].json).toEqual({ crm_id: 'c-2', error: '"bad" is not a LinkedIn profile URL', matched_on: '' });
	});

	it('throws the first failure with its item index when not continuing', () => {
		let thrown: unknown;
		try {
			throwOnFailedInput(outcomes, node);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(NodeOperationError);
		expect(thrown).toMatchObject({ message: '"bad" is not a LinkedIn profile URL', context: { itemIndex: 1 } });
	});

	it('raises API failures as NodeApiError with the HTTP code', () => {
		const apiOnly = outcomes.filter((outcome) => outcome.itemIndex === 3);
		expect(() => throwOnFailedInput(apiOnly, node)).toThrow(NodeApiError);
		expect(() => throwOnFailedInput(apiOnly, node)).toThrow(
			expect.objectContaining({ httpCode: '400', context: { itemIndex: 3 }, description: 'Fix it' }),
		);
	});
});

describe('throwOnFailedInput and stoppedRunNotes', () => {
	const plan = planRequests(['linkedin.com/in/a', 'linkedin.com/in/b', 'linkedin.com/in/c'], 'profileUrl', 25);
	const spentRun = (creditsUsed: number) => ({
		profiles: { entries: [], failures: new Map(), stats: { requests: 1, retries: 0, rateLimited: 0, creditsUsed } },
		balance: 1,
		mostCredits: 3,
	});
	const withFailures = (failure: ItemFailure) =>
		joinResults(
			plan.inputs,
			indexAnswers([matched('a', 1)], normaliseProfileUrl),
			new Map([
				[url('b'), failure],
				[url('c'), failure],
			]),
			settingsWith({}),
			URL_TYPE,
		);
	const thrownBy = (run: () => void) => {
		try {
			run();
		} catch (error) {
			return error as NodeOperationError;
		}
		throw new Error('nothing was thrown');
	};

	it('does nothing when every input has results', () => {
		expect(() => throwOnFailedInput(withFailures(overCapFailure(1)).slice(0, 1), node, () => ['never'])).not.toThrow();
	});

	it('tells a stopped capped run what it had paid for, as n8n shows no output or hint of a failed node', () => {
		const outcomes = withFailures(overCapFailure(1));
		const error = thrownBy(() => throwOnFailedInput(outcomes, node, (failure) => stoppedRunNotes(failure, outcomes, spentRun(1))));
		expect(error.message).toBe('Not sent: the credit cap of 1 would be exceeded');
		expect(error.description).toBe(
			'2 inputs were left unsent. Raise Max Credits in the node options, or run these items again in another execution. ' +
				'The run had spent 1 credit and enriched 1 input; a node that stops outputs nothing, so set On Error to Continue to keep what it enriches.',
		);
		expect(error.context.itemIndex).toBe(1);
	});

	it('keeps the closing period of a two-sentence fix with nothing to add', () => {
		const outcomes = withFailures(overCapFailure(1)).slice(1);
		const error = thrownBy(() => throwOnFailedInput(outcomes, node, (failure) => stoppedRunNotes(failure, outcomes, spentRun(0))));
		expect(error.description).toBe('2 inputs were left unsent. Raise Max Credits in the node options, or run these items again in another execution.');
	});

	it('says what a free run had enriched before it stopped', () => {
		const outcomes = withFailures(overCapFailure(1));
		expect(stoppedRunNotes(overCapFailure(1), outcomes, spentRun(0))).toEqual([
			'The run had spent 0 credits and enriched 1 input; a node that stops outputs nothing, so set On Error to Continue to keep what it enriches',
		]);
	});

	it('says, when the credits ran out, what the run could have cost beside what the account held', () => {
		const outOfCredits: ItemFailure = { source: 'api', message: 'The Crustdata account is out of credits', description: 'Top up credits', outOfCredits: true };
		const outcomes = withFailures(outOfCredits);
		expect(stoppedRunNotes(outOfCredits, outcomes, spentRun(1))).toEqual([
			'This run could cost up to 3 credits and the account had 1 credit before it',
			'The run had spent 1 credit and enriched 1 input; a node that stops outputs nothing, so set On Error to Continue to keep what it enriches',
		]);
	});

	it('adds nothing to a run that spent and enriched nothing, nor a balance to a failure that is not about credits', () => {
		const rejected: ItemFailure = { source: 'api', message: 'Crustdata rejected this identifier: x', description: 'Fix it', httpCode: '400' };
		expect(stoppedRunNotes(rejected, withFailures(rejected).slice(1), spentRun(0))).toEqual([]);
		expect(thrownBy(() => throwOnFailedInput(withFailures(rejected), node, () => [])).description).toBe('Fix it');
	});
});

describe('summariseRun', () => {
	const stats = { requests: 3, retries: 1, rateLimited: 0, creditsUsed: 2.5 };
	const ran = (profileStats = stats, rateLimit?: RateLimit) => ({
		profiles: { entries: [], failures: new Map(), stats: profileStats },
		...(rateLimit ? { account: { rateLimit } } : {}),
	});

	it('says what came back, what it cost and what was dropped and why', () => {
		const plan = planRequests(['linkedin.com/in/a', 'bad', 'linkedin.com/in/a/', 'linkedin.com/in/b'], 'profileUrl', 25);
		const outcomes = joinResults(plan.inputs, indexAnswers([matched('a', 1)], normaliseProfileUrl), new Map(), settingsWith({}), URL_TYPE);
		expect(summariseRun(plan, outcomes, ran(), settingsWith({}))).toEqual([
			{ message: 'Enriched 2 of 4 inputs in 3 requests (1 retry), 2.5 credits; 0 not found, 2 failed', type: 'warning', location: 'outputPane' },
			{
				message: '1 input not sent because the identifier was empty or malformed; 1 input shared an identifier with an earlier one and reused its lookup',
				type: 'warning',
				location: 'outputPane',
			},
		]);
	});

	it('mentions only what happened', () => {
		const plan = planRequests(['linkedin.com/in/a', 'linkedin.com/in/a'], 'profileUrl', 25);
		const outcomes = joinResults(plan.inputs, indexAnswers([matched('a', 1)], normaliseProfileUrl), new Map(), settingsWith({}), URL_TYPE);
		expect(summariseRun(plan, outcomes, ran(), settingsWith({})).map((hint) => hint.message)).toEqual([
			'Enriched 2 of 2 inputs in 3 requests (1 retry), 2.5 credits; 0 not found, 0 failed',
			'1 input shared an identifier with an earlier one and reused its lookup',
		]);
	});

	it('says how many inputs the credit cap left, and when the run could cost more than the account held', () => {
		const plan = planRequests(['linkedin.com/in/a', 'linkedin.com/in/b', 'linkedin.com/in/c'], 'profileUrl', 25);
		const cap = overCapFailure(1);
		const failures = new Map([
			['https://www.linkedin.com/in/b', cap],
			['https://www.linkedin.com/in/c', cap],
		]);
		const outcomes = joinResults(plan.inputs, indexAnswers([matched('a', 1)], normaliseProfileUrl), failures, settingsWith({}), URL_TYPE);
		expect(outcomes.map((outcome) => 'failure' in outcome && outcome.failure.description)).toEqual([
			false,
			'2 inputs were left unsent. Raise Max Credits in the node options, or run these items again in another execution.',
			'2 inputs were left unsent. Raise Max Credits in the node options, or run these items again in another execution.',
		]);
		const messages = summariseRun(plan, outcomes, { ...ran(), balance: 2, mostCredits: 3 }, settingsWith({ maxCredits: 1 })).map(
			(hint) => hint.message,
		);
		expect(messages).toContain('Stopped at the credit cap of 1 credit: 2 inputs were not sent');
		expect(messages).toContain(
			'This run could cost up to 3 credits and the account had 2 credits before it; Crustdata stops answering when the credits run out',
		);
	});

	it('says which limit the run was paced at and where it came from, once anything was sent', () => {
		const plan = planRequests(['linkedin.com/in/a'], 'profileUrl', 25);
		const outcomes = joinResults(plan.inputs, indexAnswers([matched('a', 1)], normaliseProfileUrl), new Map(), settingsWith({}), URL_TYPE);
		const rateLimit = { requestsPerMinute: 60, source: "the account's limit for /person/enrich" };
		expect(summariseRun(plan, outcomes, ran(stats, rateLimit), settingsWith({}))[0].message).toBe(
			"Enriched 1 of 1 input in 3 requests (1 retry), 2.5 credits; 0 not found, 0 failed; paced at 60 requests a minute, the account's limit for /person/enrich",
		);
		expect(summariseRun(plan, outcomes, ran({ ...stats, requests: 0 }, rateLimit), settingsWith({}))[0].message).not.toMatch(/paced/);
	});
});
