// Runs the node inside n8n's own execution engine (n8n-core's WorkflowExecute, the code a real
// n8n runs), in this process: real parameter and expression evaluation, real continueOnFail
// and error-output routing, real paired-item resolution, and n8n's real HTTP helper, so every
// request really crosses loopback to the sandbox. Only the credential store is ours: it hands
// n8n the decrypted credential and applies the credential type's own `authenticate`.
const {
	Workflow,
	NodeConnectionTypes,
	createRunExecutionData,
} = require('n8n-workflow');
const { WorkflowExecute, ExecutionLifecycleHooks, ExecuteContext, SupplyDataContext } = require('n8n-core');
// n8n-core's own copy of the DI container holds its service singletons.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager');
// The logger a node's `this.logger` is: n8n-core's own copy of @n8n/backend-common's.
const { Logger } = require(require.resolve('@n8n/backend-common', { paths: [require.resolve('n8n-core')] }));
const { ScheduledTaskManager } = require('n8n-core/dist/execution-engine/scheduled-task-manager');

const INPUT = 'Input';
const NODE = 'Crustdata Person Enrich';
const DOWNSTREAM = 'Downstream';

/** Emits the items the test gives it, as a Manual Trigger plus Code node would. */
class TestInput {
	constructor() {
		this.description = {
			displayName: 'Test Input',
			name: 'testInput',
			group: ['trigger'],
			version: 1,
			description: '',
			defaults: { name: INPUT },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
		};
	}

	async execute() {
		const items = JSON.parse(this.getNodeParameter('items', 0));
		return [items.map((json) => ({ json }))];
	}
}

/** Evaluates the expressions a downstream Set node would: each output item reads its input row. */
class TestDownstream {
	constructor() {
		this.description = {
			displayName: 'Test Downstream',
			name: 'testDownstream',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: DOWNSTREAM },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [
				{ displayName: 'Input Row', name: 'inputRow', type: 'json', default: '' },
				{ displayName: 'Enriched', name: 'enriched', type: 'json', default: '' },
			],
		};
	}

	async execute() {
		return [
			this.getInputData().map((item, index) => ({
				json: {
					inputRow: this.getNodeParameter('inputRow', index),
					enriched: this.getNodeParameter('enriched', index),
				},
				pairedItem: { item: index },
			})),
		];
	}
}

function nodeTypesWith(types) {
	const byName = new Map(Object.entries(types));
	return {
		getByName: (name) => byName.get(name),
		getByNameAndVersion: (name) => byName.get(name),
		getKnownTypes: () => ({}),
	};
}

function credentialsHelperFor(credentialType, credentialData) {
	return {
		getParentTypes: () => [],
		getDecrypted: async () => ({ ...credentialData }),
		preAuthentication: async () => undefined,
		// As n8n's CredentialsHelper does for a credential whose `authenticate` is a function.
		authenticate: async (credentials, _type, requestOptions) =>
			await credentialType.authenticate(credentials, requestOptions),
		getCredentialsProperties: () => credentialType.properties,
		updateCredentials: async () => {},
		updateCredentialsOauthTokenData: async () => {},
	};
}

/** The node under test in a workflow, with the sandbox credential the credentials helper hands out. */
function enrichNode(type, parameters) {
	return {
		id: 'enrich',
		name: NODE,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { crustdataEnrichApi: { id: 'cred-1', name: 'Crustdata sandbox' } },
	};
}

/**
 * Runs Input → Crustdata Person Enrich (→ Downstream) and returns what n8n recorded.
 * `onError` is the node setting: 'stopWorkflow', 'continueRegularOutput' or 'continueErrorOutput'.
 */
async function runEnrichWorkflow({
	nodeType,
	credentialType,
	credentials,
	parameters,
	items,
	onError,
	downstream,
	cancelAfterMs,
}) {
	const nodes = [
		{
			id: 'input',
			name: INPUT,
			type: 'test.testInput',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(items) },
		},
		{ ...enrichNode('test.crustdataPersonEnrich', parameters), position: [200, 0], ...(onError ? { onError } : {}) },
	];
	const connections = {
		[INPUT]: { main: [[{ node: NODE, type: 'main', index: 0 }]] },
	};
	if (downstream) {
		nodes.push({
			id: 'downstream',
			name: DOWNSTREAM,
			type: 'test.testDownstream',
			typeVersion: 1,
			position: [400, 0],
			parameters: downstream,
		});
		connections[NODE] = { main: [[{ node: DOWNSTREAM, type: 'main', index: 0 }]] };
	}
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'test',
		nodes,
		connections,
		active: false,
		nodeTypes: nodeTypesWith({
			'test.testInput': new TestInput(),
			'test.crustdataPersonEnrich': nodeType,
			'test.testDownstream': new TestDownstream(),
		}),
		settings: { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-1', { id: 'wf-test', name: 'test', nodes, connections });
	const additionalData = additionalDataFor(credentialType, credentials, hooks);
	const running = new WorkflowExecute(additionalData, 'manual', createRunExecutionData()).run({ workflow, startNode: workflow.getNode(INPUT) });
	const run = cancelAfterMs === undefined ? await running : await cancelledAfter(running, hooks, cancelAfterMs);
	const runData = run.data.resultData.runData;
	const outputsOf = (name) => runData[name]?.[0]?.data?.main ?? [];
	return {
		status: run.status,
		error: run.data.resultData.error,
		outputs: outputsOf(NODE),
		downstream: outputsOf(DOWNSTREAM)[0] ?? [],
		hints: runData[NODE]?.[0]?.hints ?? [],
	};
}

/**
 * Cancels a run as the editor's Stop button does, after `ms`: n8n aborts the execution's cancel
 * signal and reports the run data it has through the `workflowExecuteAfter` hook (the run's own
 * promise does not settle on a cancel).
 */
function cancelledAfter(running, hooks, ms) {
	return new Promise((resolve, reject) => {
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => resolve(fullRunData));
		running.then(resolve, reject);
		setTimeout(() => running.cancel(), ms);
	});
}

/**
 * Records what nodes log through n8n's logger until `stop()`: each line's level, message and
 * metadata, as n8n would write them.
 */
function captureNodeLogs() {
	const logger = Container.get(Logger);
	// Debug is a read-only no-op unless n8n logs at that level.
	const levels = ['error', 'warn', 'info'];
	const original = Object.fromEntries(levels.map((level) => [level, logger[level]]));
	const lines = [];
	for (const level of levels) logger[level] = (message, meta) => void lines.push({ level, message, meta });
	return { lines, stop: () => Object.assign(logger, original) };
}

/** What n8n hands a node's context besides the workflow: the credential store and the URLs. */
function additionalDataFor(credentialType, credentials, hooks) {
	return {
		credentialsHelper: credentialsHelperFor(credentialType, credentials),
		hooks,
		executionId: 'exec-1',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		variables: {},
		currentNodeExecutionIndex: 0,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	};
}

/**
 * The node's tool variant as n8n generates it from `usableAsTool`: named `…Tool`, no main input,
 * one `ai_tool` output (n8n's convertNodeToAiTool, which adds no description parameter of its
 * own to a node that has one).
 */
function toolVariantOf(nodeType) {
	const { description } = nodeType;
	const toolDescription = { ...description, name: `${description.name}Tool`, inputs: [], outputs: [NodeConnectionTypes.AiTool] };
	return { description: toolDescription, execute: nodeType.execute };
}

/**
 * One tool call, in either of the contexts n8n runs a tool in. `via: 'toolContext'` (default) is
 * how the MCP Server Trigger's calls run (JobProcessor.invokeTool, in queue mode): a
 * SupplyDataContext on the `ai_tool` connection. `via: 'engine'` is how AI Agent 3.1's calls run:
 * it hands them to the workflow engine, which runs the tool node like any node, in an
 * ExecuteContext, with the call's arguments as its input item. Either way the parameters'
 * `$fromAI()` read the arguments. Returns the output items' json, which n8n hands the agent as
 * JSON text; an error the node throws rejects.
 */
async function callAsTool({ nodeType, credentialType, credentials, parameters, toolArgs, via = 'toolContext' }) {
	const tool = toolVariantOf(nodeType);
	const node = enrichNode('test.crustdataPersonEnrichTool', parameters);
	const workflow = new Workflow({
		id: 'wf-tool',
		name: 'tool',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: nodeTypesWith({ 'test.crustdataPersonEnrichTool': tool }),
		settings: { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks('webhook', 'exec-tool', { id: 'wf-tool', name: 'tool', nodes: [node], connections: {} });
	const inputData = [[{ json: toolArgs }]];
	const workflowNode = workflow.getNode(NODE);
	const additionalData = additionalDataFor(credentialType, credentials, hooks);
	const executeData = { node: workflowNode, data: { main: inputData }, source: null };
	const context =
		via === 'engine'
			? new ExecuteContext(workflow, workflowNode, additionalData, 'webhook', createRunExecutionData({}), 0, inputData[0], { main: inputData }, executeData, [])
			: new SupplyDataContext(
					workflow,
					workflowNode,
					additionalData,
					'webhook',
					createRunExecutionData({}),
					0,
					inputData[0],
					{ main: inputData },
					NodeConnectionTypes.AiTool,
					executeData,
					[],
				);
	if (via !== 'engine') context.addInputData(NodeConnectionTypes.AiTool, inputData);
	const result = await tool.execute.call(context);
	return { answer: result[0].map((item) => item.json), toolDescription: workflowNode.parameters.toolDescription };
}

/**
 * Stops the timers n8n's own services start when a node first runs (n8n clears them on
 * shutdown), so the test process can exit. Call once, after the last run.
 */
function stopN8nServices() {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
	if (Container.has(ScheduledTaskManager)) Container.get(ScheduledTaskManager).deregisterAllCrons();
}

module.exports = { runEnrichWorkflow, callAsTool, stopN8nServices, captureNodeLogs };
