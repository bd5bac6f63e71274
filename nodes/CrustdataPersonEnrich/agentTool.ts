// The node as an AI agent's tool (the `crustdataPersonEnrichTool` type n8n generates from `usableAsTool`).
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { InputOutcome } from './results/resultMapping';
import { simplifyPerson } from './results/simplifyPerson';
import { isRecord, type EnrichSettings, type ItemFailure } from './types';

/**
 * An agent reads the answer as text in its context and cannot open a stack trace or wait a
 * minute, so a tool call answers in a compact shape, turns every failure into one sentence
 * saying what to change, and never waits longer than its caller does.
 */

/**
 * No rate-limit wait or retry of a tool call ends later than this after the call started. MCP
 * clients give up after 60 s by default and queue mode relays a tool call for at most 120 s, so
 * a longer wait is answered at once with when to call again.
 */
export const TOOL_WAIT_LIMIT_MS = 20_000;

/** No request of a tool call starts later than this after the call started. */
export const TOOL_SEND_LIMIT_MS = 35_000;

/**
 * The longest a tool call waits for one answer from Crustdata, whatever Request Timeout says,
 * so that a call answers within the send limit and this of its start, well inside 60 s.
 */
export const TOOL_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Whether n8n runs the node for an agent. The MCP Server Trigger (and older AI Agents) run it in
 * a context that says so; AI Agent 3.1 hands the call to the workflow engine, whose context does
 * not, but the node it runs is then always the generated `…Tool` type.
 */
export const isToolCall = (context: IExecuteFunctions): boolean =>
	context.isToolExecution?.() === true || context.getNode().type.endsWith('Tool');

/** The settings of a tool call started at `startedAt`: its waits and answers bounded as above. */
export function withToolBounds(settings: EnrichSettings, startedAt: number): EnrichSettings {
	return {
		...settings,
		pacing: {
			...settings.pacing,
			timeoutMs: Math.min(settings.pacing.timeoutMs, TOOL_REQUEST_TIMEOUT_MS),
			waitDeadline: startedAt + TOOL_WAIT_LIMIT_MS,
			sendDeadline: startedAt + TOOL_SEND_LIMIT_MS,
		},
	};
}

const PROPER_NOUNS = new Set(['Crustdata', 'LinkedIn', 'GitHub']);

/** "Use a URL…" as it reads after a semicolon; names keep their capital. */
function continuing(text: string): string {
	const firstWord = /^[A-Za-z]+/.exec(text)?.[0] ?? '';
	const isName = PROPER_NOUNS.has(firstWord) || /^[A-Z]{2}/.test(firstWord);
	return isName ? text : text.charAt(0).toLowerCase() + text.slice(1);
}

/** A failure as one sentence for a model: what went wrong, then what to change. */
export function agentSentence({ message, description }: Pick<ItemFailure, 'message' | 'description'>): string {
	const fix = description?.trim();
	return fix ? `${message}; ${continuing(fix)}` : message;
}

/** Keys without a value are left out: they cost a model tokens and tell it nothing. */
function withValuesOnly(record: IDataObject): IDataObject {
	return Object.fromEntries(
		Object.entries(record).filter(([, value]) => value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)),
	);
}

/** One result as an agent reads it: the flat person, and `person_data` only when the workflow asks for it. */
export function toolResult(result: IDataObject, includePersonData: boolean): IDataObject {
	const { matched_on, match_status, confidence_score, person_data, verification, contact_error } = result;
	return {
		matched_on,
		match_status,
		confidence_score,
		...(isRecord(person_data) ? { person: withValuesOnly({ ...simplifyPerson(person_data) }) } : {}),
		...(verification === undefined ? {} : { verification }),
		// The person came back without the contact data asked for: the agent must not take that as "none".
		...(contact_error === undefined ? {} : { contact_error }),
		...(includePersonData && isRecord(person_data) ? { person_data } : {}),
	};
}

/** The tool's answer: one entry per match, or one `{ matched_on, error }` per failed input. */
export function toolAnswer(outcomes: InputOutcome[], includePersonData: boolean): INodeExecutionData[] {
	return outcomes.flatMap((outcome) => {
		const pairedItem = { item: outcome.itemIndex };
		if ('failure' in outcome) {
			return [{ json: { matched_on: outcome.identifier, error: agentSentence(outcome.failure) }, pairedItem }];
		}
		return outcome.results.map((result) => ({ json: toolResult(result, includePersonData), pairedItem }));
	});
}

/**
 * What a tool call answers when the node cannot run at all (a setting, the credential, the
 * account): the error's sentence as a result, since n8n would append the same text again as
 * "Details" and some versions the stack too.
 */
export function toolFailure(error: unknown): INodeExecutionData {
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	const sentence = agentSentence({
		message: typeof message === 'string' && message ? message : 'The Crustdata tool failed',
		description: typeof description === 'string' ? description : '',
	});
	return { json: { error: sentence }, pairedItem: { item: 0 } };
}
