import type { INodeParameters, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import {
	agentSentence,
	TOOL_REQUEST_TIMEOUT_MS,
	TOOL_SEND_LIMIT_MS,
	TOOL_WAIT_LIMIT_MS,
	toolAnswer,
	toolFailure,
	toolResult,
	withToolBounds,
} from '../../nodes/CrustdataPersonEnrich/agentTool';
import { CrustdataPersonEnrich } from '../../nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node';
import { normaliseProfileUrl } from '../../nodes/CrustdataPersonEnrich/planning/requestPlanning';
import { TOOL_DESCRIPTION } from '../../nodes/CrustdataPersonEnrich/description/toolProperties';
import { settingsWith } from './settingsFixture';

const ada = {
	basic_profile: { name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace', headline: 'Analyst', current_title: '', summary: 'A long summary' },
	social_handles: { professional_network_identifier: { profile_url: 'https://www.linkedin.com/in/ada-lovelace' } },
	contact: { business_emails: [{ email: 'ada@engine.io', status: 'deliverable' }], phone_numbers: [] },
};

const matched = {
	matched_on: 'https://www.linkedin.com/in/ada-lovelace',
	match_type: 'professional_network_profile_url',
	match_status: 'matched',
	confidence_score: 1,
	person_data: ada,
};

describe('a failure as one sentence for a model', () => {
	it('joins what went wrong and what to change, the fix read on from the semicolon', () => {
		expect(agentSentence({ message: '"x" is not a LinkedIn profile URL', description: 'Use a URL of the form https://www.linkedin.com/in/<name>' })).toBe(
			'"x" is not a LinkedIn profile URL; use a URL of the form https://www.linkedin.com/in/<name>',
		);
	});

	it('keeps the capital of a name, and gives the message alone when there is no fix', () => {
		expect(agentSentence({ message: 'Crustdata refused the request', description: 'Crustdata may not offer this lookup' })).toBe(
			'Crustdata refused the request; Crustdata may not offer this lookup',
		);
		expect(agentSentence({ message: 'Rate limited by Crustdata, retry in 12 s', description: '' })).toBe('Rate limited by Crustdata, retry in 12 s');
	});

	it("is an input's own sentence when planning rejects it, naming the input and the fix once", () => {
		const failure = normaliseProfileUrl('not a profile');
		if (!('failure' in failure)) throw new Error('expected a failure');
		const [item] = toolAnswer([{ itemIndex: 0, identifier: '', failure: failure.failure }], false);
		expect(item.json).toEqual({
			matched_on: '',
			error: '"not a profile" is not a LinkedIn profile URL; use a URL of the form https://www.linkedin.com/in/<name>',
		});
	});
});

describe("the tool's answer", () => {
	it('is the identifier, the status, the score and the flat person with only the values it has', () => {
		expect(toolResult(matched, false)).toEqual({
			matched_on: 'https://www.linkedin.com/in/ada-lovelace',
			match_status: 'matched',
			confidence_score: 1,
			person: {
				name: 'Ada Lovelace',
				first_name: 'Ada',
				last_name: 'Lovelace',
				headline: 'Analyst',
				linkedin_url: 'https://www.linkedin.com/in/ada-lovelace',
				email: 'ada@engine.io',
				business_emails: ['ada@engine.io'],
			},
		});
	});

	it('carries person_data only when the workflow asks for it, and an email match its verification', () => {
		expect(toolResult(matched, true).person_data).toBe(ada);
		const verification = { email_domain_matches_employer: false };
		expect(toolResult({ ...matched, verification }, false).verification).toBe(verification);
	});

	it('says not_found with no person for a no-match', () => {
		const noMatch = { ...matched, match_status: 'not_found', confidence_score: null, person_data: null };
		expect(toolResult(noMatch, true)).toEqual({ matched_on: matched.matched_on, match_status: 'not_found', confidence_score: null });
	});

	it('gives each result and each failure the input it answers', () => {
		const items = toolAnswer(
			[
				{ itemIndex: 0, identifier: 'a', results: [matched, matched] },
				{ itemIndex: 1, identifier: 'b', failure: { source: 'api', message: 'The Crustdata account is out of credits', description: 'Top up credits' } },
			],
			false,
		);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 1 }]);
		expect(items[2].json).toEqual({ matched_on: 'b', error: 'The Crustdata account is out of credits; top up credits' });
	});
});

describe('a tool call that cannot run', () => {
	it("answers with the error's sentence: no class name, no stack, no text twice", () => {
		const error = new NodeOperationError(
			{ id: '1', name: 'Crustdata Person Enrich', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} },
			'No fields are selected',
			{ description: 'Choose at least one section in Fields' },
		);
		const { json } = toolFailure(error);
		expect(json).toEqual({ error: 'No fields are selected; choose at least one section in Fields' });
	});
});

describe('the bounds of a tool call', () => {
	it('end every wait within the limit of its start and cap the request timeout, keeping a shorter one', () => {
		const bounded = withToolBounds(settingsWith({}), 1_000);
		expect(bounded.pacing).toMatchObject({
			waitDeadline: 1_000 + TOOL_WAIT_LIMIT_MS,
			sendDeadline: 1_000 + TOOL_SEND_LIMIT_MS,
			timeoutMs: TOOL_REQUEST_TIMEOUT_MS,
		});
		const short = settingsWith({ pacing: { maxRequestsPerMinute: 0, concurrency: 0, maxRetries: 4, timeoutMs: 5_000 } });
		expect(withToolBounds(short, 0).pacing.timeoutMs).toBe(5_000);
		// The last request starts by the send limit and times out after the request timeout: the latest a call answers.
		expect(TOOL_WAIT_LIMIT_MS).toBeLessThan(TOOL_SEND_LIMIT_MS);
		expect(TOOL_SEND_LIMIT_MS + TOOL_REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(50_000);
	});
});

describe('the parameters of the tool variant', () => {
	const { description } = new CrustdataPersonEnrich();
	/** The node's parameters as n8n resolves them, with defaults, for the regular node or its tool variant. */
	const resolved = (asTool: boolean): INodeParameters => {
		const type: INodeTypeDescription = { ...description, name: asTool ? `${description.name}Tool` : description.name };
		return NodeHelpers.getNodeParameters(type.properties, {}, true, false, null, type) ?? {};
	};

	it('give the tool its description for a model and the Include Full Profile switch, and the regular node neither', () => {
		expect(resolved(true)).toMatchObject({ toolDescription: TOOL_DESCRIPTION, includePersonData: false });
		expect(resolved(false)).not.toHaveProperty('toolDescription');
		expect(resolved(false)).not.toHaveProperty('includePersonData');
	});

	it('say what the tool takes, returns and costs', () => {
		expect(TOOL_DESCRIPTION).toMatch(/one identifier per call/i);
		expect(TOOL_DESCRIPTION).toMatch(/LinkedIn profile URL.*business email/);
		expect(TOOL_DESCRIPTION).toMatch(/match_status.*confidence_score.*person/);
		expect(TOOL_DESCRIPTION).toMatch(/costs Crustdata credits: 1 credit \(7 credits for a live profile\)/);
		expect(TOOL_DESCRIPTION).toMatch(/retry|call again/);
	});
});
