import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { addContactData } from './contactPass';
import { nodeProperties } from './description';
import { dryRun } from './dryRun';
import { runEnrichment } from './enrichmentRun';
import { MATCH_TYPE, normaliserFor, planRequests } from './requestPlanning';
import {
	addSimplePerson,
	failsInput,
	indexAnswers,
	joinResults,
	summariseRun,
	throwOnRejectedInput,
	toOutputItems,
	withoutFieldsTheNodeAskedFor,
} from './resultMapping';
import { readIdentifier, readSettings } from './settings';
import { CREDENTIAL_TYPE } from './transport';

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

		const identifiers = items.map((_, itemIndex) => readIdentifier(this, settings, itemIndex));
		const plan = planRequests(identifiers, settings.identifierType, settings.batchSize);
		if (settings.dryRun) return [await dryRun(this, plan, identifiers, settings)];
		if (!continueOnFail) throwOnRejectedInput(plan.inputs, node);

		const run = await runEnrichment(this, plan.batches, settings, matchType, {
			failFast: !continueOnFail,
			failsInput: (entry) => failsInput(entry, settings),
		});
		const answers = indexAnswers(run.profiles.entries, normaliserFor(settings.identifierType));
		let outcomes = joinResults(plan.inputs, answers, run.profiles.failures, settings, matchType);
		if (settings.contact) outcomes = addContactData(outcomes, { ...settings, contact: settings.contact }, continueOnFail, run.contact);
		outcomes = withoutFieldsTheNodeAskedFor(outcomes, settings);
		if (settings.simplify) outcomes = addSimplePerson(outcomes);

		const inputFields = settings.includeInputFields ? (itemIndex: number) => items[itemIndex].json : undefined;
		const output = toOutputItems(outcomes, node, continueOnFail, inputFields);
		this.addExecutionHints(...summariseRun(plan, outcomes, run, settings));
		return [output];
	}
}
