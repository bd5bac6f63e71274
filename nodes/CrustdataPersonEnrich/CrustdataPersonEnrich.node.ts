// The node class: what n8n shows of the node, and execute(), which routes a run from the input items to the output (or the tool's answer).
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { isToolCall, toolAnswer, toolFailure, withToolBounds } from './agentTool';
import { planJobs } from './batch/jobPlanning';
import { addContactData, type ContactAnswers } from './contact/contactPass';
import { nodeProperties } from './description/nodeProperties';
import { MATCH_TYPE, normaliserFor, planRequests } from './planning/requestPlanning';
import {
	addSimplePerson,
	failsInput,
	indexAnswers,
	joinResults,
	throwOnFailedInput,
	throwOnRejectedInput,
	toOutputItems,
	withoutFieldsTheNodeAskedFor,
	type InputOutcome,
} from './results/resultMapping';
import { batchResultOutcomes } from './run/batchResults';
import { batchRunNotes, runBatchEnrichment, summariseBatchRun } from './run/batchRun';
import { dryRun } from './run/dryRun';
import { runEnrichment } from './run/enrichmentRun';
import { stoppedRunNotes, summariseRun } from './run/runSummary';
import { readBatchIds, readBatchResultsSettings, readIdentifiers, readSettings, type OutputSettings } from './settings';
import { CREDENTIAL_TYPE } from './transport/client';
import type { EnrichSettings, Operation } from './types';

export class CrustdataPersonEnrich implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Crustdata Person Enrich',
		name: 'crustdataPersonEnrich',
		icon: { light: 'file:../../icons/crustdata.svg', dark: 'file:../../icons/crustdata.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "enrichLive" ? "Live enrich by profile URL" : $parameter["operation"] === "getBatchResults" ? "Get batch results" : ($parameter["operation"] === "enrichBatch" ? "Batch enrich by " : "Enrich by ") + ($parameter["identifierType"] === "businessEmail" ? "business email" : "profile URL") }}',
		description: 'Enrich people from LinkedIn profile URLs or business emails with Crustdata, in batches',
		defaults: { name: 'Crustdata Person Enrich' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: nodeProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (!isToolCall(this)) return [await runOperation(this, false)];
		try {
			return [await runOperation(this, true)];
		} catch (error) {
			return [[toolFailure(error)]];
		}
	}
}

/** The operation's run. A tool call continues past failed inputs whatever On Error says, as its answer is an agent's to read. */
async function runOperation(context: IExecuteFunctions, asTool: boolean): Promise<INodeExecutionData[]> {
	const operation = context.getNodeParameter('operation', 0) as Operation;
	const continueOnFail = asTool || context.continueOnFail();
	if (operation === 'getBatchResults') {
		const settings = readBatchResultsSettings(context);
		const outcomes = await batchResultOutcomes(context, readBatchIds(context, continueOnFail), settings);
		if (!continueOnFail) throwOnFailedInput(outcomes, context.getNode());
		return outputItems(context, outcomes, settings, asTool);
	}
	// An agent's call can't wait minutes for a job; it answers at once, before anything is read or sent.
	if (asTool && operation === 'enrichBatch') return [toolFailure(BATCH_JOBS_NOT_FOR_AGENTS)];
	const settings = readSettings(context);
	return await enrichItems(context, asTool ? withToolBounds(settings, Date.now()) : settings, { asTool, continueOnFail });
}

const BATCH_JOBS_NOT_FOR_AGENTS = {
	message: 'Batch jobs are not available to agents, as they take minutes',
	description: 'Use the Enrich operation, which answers within the call',
};

/** Output items in input order, or the tool's answer. */
function outputItems(context: IExecuteFunctions, outcomes: InputOutcome[], settings: OutputSettings, asTool: boolean): INodeExecutionData[] {
	if (asTool) return toolAnswer(outcomes, settings.includePersonData);
	const items = context.getInputData();
	const inputFields = settings.includeInputFields ? (itemIndex: number) => items[itemIndex].json : undefined;
	return toOutputItems(settings.simplify ? addSimplePerson(outcomes) : outcomes, context.getNode(), inputFields);
}

/** Every match's contact data in place, with every chosen tier, when the run asked for any. */
function withContactData(outcomes: InputOutcome[], settings: EnrichSettings, continueOnFail: boolean, fromEndpoint?: ContactAnswers): InputOutcome[] {
	return settings.contact ? addContactData(outcomes, { ...settings, contact: settings.contact }, continueOnFail, fromEndpoint) : outcomes;
}

/** One run: every input's identifier planned, sent (in requests or in batch jobs) and joined back to its item. */
async function enrichItems(
	context: IExecuteFunctions,
	settings: EnrichSettings,
	{ asTool, continueOnFail }: { asTool: boolean; continueOnFail: boolean },
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const identifiers = readIdentifiers(context, settings, continueOnFail);
	if (settings.operation === 'enrichBatch') {
		const plan = planJobs(identifiers, settings.identifierType);
		if (settings.dryRun) return await dryRun(context, plan, identifiers, settings);
		if (!continueOnFail) throwOnRejectedInput(plan.inputs, node);
		const run = await runBatchEnrichment(context, plan, settings);
		const outcomes = withoutFieldsTheNodeAskedFor(withContactData(run.outcomes, settings, continueOnFail, run.contact), settings);
		if (!continueOnFail) throwOnFailedInput(outcomes, node, () => batchRunNotes(run));
		context.addExecutionHints(...summariseBatchRun(plan, run, settings));
		return outputItems(context, outcomes, settings, asTool);
	}
	const plan = planRequests(identifiers, settings.identifierType, settings.batchSize);
	if (settings.dryRun) return await dryRun(context, plan, identifiers, settings);
	if (!continueOnFail) throwOnRejectedInput(plan.inputs, node);

	const matchType = MATCH_TYPE[settings.identifierType];
	const run = await runEnrichment(context, plan.batches, settings, matchType, {
		failFast: !continueOnFail,
		failsInput: (entry) => failsInput(entry, settings),
	});
	const answers = indexAnswers(run.profiles.entries, normaliserFor(settings.identifierType));
	const joined = joinResults(plan.inputs, answers, run.profiles.failures, settings, matchType);
	const outcomes = withoutFieldsTheNodeAskedFor(withContactData(joined, settings, continueOnFail, run.contact), settings);

	if (!continueOnFail) throwOnFailedInput(outcomes, node, (failure) => stoppedRunNotes(failure, outcomes, run));
	context.addExecutionHints(...summariseRun(plan, outcomes, run, settings));
	return outputItems(context, outcomes, settings, asTool);
}
