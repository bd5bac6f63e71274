// The node class: what n8n shows of the node, and execute(), which routes a run from the input items to the output (or the tool's answer).
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { isToolCall, toolAnswer, toolFailure, withToolBounds } from './agentTool';
import { addContactData } from './contact/contactPass';
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
} from './results/resultMapping';
import { dryRun } from './run/dryRun';
import { runEnrichment } from './run/enrichmentRun';
import { stoppedRunNotes, summariseRun } from './run/runSummary';
import { readIdentifiers, readSettings } from './settings';
import { CREDENTIAL_TYPE } from './transport/client';
import type { EnrichSettings } from './types';

export class CrustdataPersonEnrich implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Crustdata Person Enrich',
		name: 'crustdataPersonEnrich',
		icon: { light: 'file:../../icons/crustdata.svg', dark: 'file:../../icons/crustdata.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "enrichLive" ? "Live enrich by profile URL" : ($parameter["identifierType"] === "businessEmail" ? "Enrich by business email" : "Enrich by profile URL") }}',
		description: 'Enrich people from LinkedIn profile URLs or business emails with Crustdata, in batches',
		defaults: { name: 'Crustdata Person Enrich' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: nodeProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (!isToolCall(this)) return [await enrichItems(this, readSettings(this))];
		try {
			return [await enrichItems(this, withToolBounds(readSettings(this), Date.now()), { asTool: true })];
		} catch (error) {
			return [[toolFailure(error)]];
		}
	}
}

/**
 * One run: every input's identifier planned, sent and joined back to its item. A tool call
 * continues past failed inputs whatever On Error says, as its answer is an agent's to read.
 */
async function enrichItems(
	context: IExecuteFunctions,
	settings: EnrichSettings,
	{ asTool = false } = {},
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const node = context.getNode();
	const continueOnFail = asTool || context.continueOnFail();
	const matchType = MATCH_TYPE[settings.identifierType];

	const identifiers = readIdentifiers(context, settings, continueOnFail);
	const plan = planRequests(identifiers, settings.identifierType, settings.batchSize);
	if (settings.dryRun) return await dryRun(context, plan, identifiers, settings);
	if (!continueOnFail) throwOnRejectedInput(plan.inputs, node);

	const run = await runEnrichment(context, plan.batches, settings, matchType, {
		failFast: !continueOnFail,
		failsInput: (entry) => failsInput(entry, settings),
	});
	const answers = indexAnswers(run.profiles.entries, normaliserFor(settings.identifierType));
	let outcomes = joinResults(plan.inputs, answers, run.profiles.failures, settings, matchType);
	if (settings.contact) outcomes = addContactData(outcomes, { ...settings, contact: settings.contact }, continueOnFail, run.contact);
	outcomes = withoutFieldsTheNodeAskedFor(outcomes, settings);

	if (!continueOnFail) throwOnFailedInput(outcomes, node, (failure) => stoppedRunNotes(failure, outcomes, run));
	const inputFields = settings.includeInputFields ? (itemIndex: number) => items[itemIndex].json : undefined;
	const output = asTool
		? toolAnswer(outcomes, settings.includePersonData)
		: toOutputItems(settings.simplify ? addSimplePerson(outcomes) : outcomes, node, inputFields);
	context.addExecutionHints(...summariseRun(plan, outcomes, run, settings));
	return output;
}
