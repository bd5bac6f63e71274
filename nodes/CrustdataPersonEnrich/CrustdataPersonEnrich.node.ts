import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { checkAccount, type AccountVerdict } from './accountLimits';
import { nodeProperties } from './description';
import { MATCH_TYPE, normaliserFor, planRequests } from './requestPlanning';
import { failsInput, indexAnswers, joinResults, summariseRun, throwOnRejectedInput, toOutputItems } from './resultMapping';
import { nothingSent, sendEnrichRequests, type RunOptions, type TransportResult } from './sendLoop';
import { readIdentifier, readSettings } from './settings';
import { CREDENTIAL_TYPE, openCrustdataClient } from './transport';
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
		const items = this.getInputData();
		const node = this.getNode();
		const continueOnFail = this.continueOnFail();
		const settings = readSettings(this);
		const matchType = MATCH_TYPE[settings.identifierType];

		const plan = planRequests(
			items.map((_, itemIndex) => readIdentifier(this, settings, itemIndex)),
			settings.identifierType,
			settings.batchSize,
		);
		if (!continueOnFail) throwOnRejectedInput(plan.inputs, node);

		const { sent, account } = await sendWithinAccount(this, plan.batches, settings, matchType, {
			failFast: !continueOnFail,
			failsInput: (entry) => failsInput(entry, settings),
		});
		const answers = indexAnswers(sent.entries, normaliserFor(settings.identifierType));
		const outcomes = joinResults(plan.inputs, answers, sent.failures, settings, matchType);

		const inputFields = settings.includeInputFields ? (itemIndex: number) => items[itemIndex].json : undefined;
		const output = toOutputItems(outcomes, node, continueOnFail, inputFields);
		this.addExecutionHints(...summariseRun(plan, outcomes, sent.stats, account));
		return [output];
	}
}

/**
 * Asks Crustdata what the account may do, then sends the batches if it may: nothing billable
 * goes out on a run the account would refuse, and nothing at all when there is nothing to send.
 */
async function sendWithinAccount(
	context: IExecuteFunctions,
	batches: string[][],
	settings: EnrichSettings,
	matchType: string,
	options: RunOptions,
): Promise<{ sent: TransportResult; account?: AccountVerdict }> {
	if (batches.length === 0) return { sent: nothingSent(batches) };
	const client = await openCrustdataClient(context, settings.pacing.timeoutMs);
	const account = await checkAccount(client, settings);
	const sent = account.refusal
		? nothingSent(batches, account.refusal)
		: await sendEnrichRequests(client, batches, settings, account.rateLimit, matchType, options);
	return { sent, account };
}
