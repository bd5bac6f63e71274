// The three ways to enrich a sheet of LinkedIn URLs that the benchmark compares, as n8n
// workflows: (a) this node, (b) the HTTP Request node with one POST per item and Retry On Fail,
// (c) Loop Over Items (25) + Aggregate + HTTP Request + Split Out, the hand-built batching that
// Crustdata's own node asks its users to build. CONTACT: this node with Contact (business
// emails and phone numbers), for the generation-2 contact case.
const { rowsSource, to, workflow, workflowNode: node } = require('../harness/workflowNodes');

const FIELDS = ['basic_profile', 'social_handles'];

/** An HTTP Request node that posts `urlsExpression` to the enrich endpoint, retried by n8n. */
function httpEnrich(name, x, sandbox, urlsExpression) {
	return node(
		name,
		'n8n-nodes-base.httpRequest',
		4.2,
		x,
		{
			method: 'POST',
			url: `${sandbox.url}/person/enrich`,
			sendHeaders: true,
			headerParameters: {
				parameters: [
					{ name: 'Authorization', value: `Bearer ${sandbox.apiKey}` },
					{ name: 'x-api-version', value: '2025-11-01' },
				],
			},
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ professional_network_profile_urls: ${urlsExpression}, fields: ${JSON.stringify(FIELDS)} }) }}`,
			options: {},
		},
		{ retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 },
	);
}

const VARIANTS = {
	a: {
		label: 'this node',
		resultNode: 'Crustdata Person Enrich',
		build: (id, rows, sandbox, maxRequestsPerMinute) =>
			workflow(id, `Bench (a) ${rows.length}`, [
				...rowsSource('Sheet', rows),
				node('Crustdata Person Enrich', 'n8n-nodes-crustdata-enrich.crustdataPersonEnrich', 1, 400, {
					profileUrl: '={{ $json.linkedin }}',
					options: { maxRequestsPerMinute },
				}, { credentials: { crustdataEnrichApi: { id: 'CrustdataCred001', name: 'Crustdata sandbox' } }, onError: 'continueRegularOutput' }),
			], {
				Start: { main: [[to('Sheet')]] },
				Sheet: { main: [[to('Crustdata Person Enrich')]] },
			}),
	},
	b: {
		label: 'HTTP Request per item',
		resultNode: 'HTTP Request',
		build: (id, rows, sandbox) =>
			workflow(id, `Bench (b) ${rows.length}`, [...rowsSource('Sheet', rows), httpEnrich('HTTP Request', 400, sandbox, '[$json.linkedin]')], {
				Start: { main: [[to('Sheet')]] },
				Sheet: { main: [[to('HTTP Request')]] },
			}),
	},
	c: {
		label: 'Loop Over Items + Aggregate',
		resultNode: 'Split Out',
		build: (id, rows, sandbox) =>
			workflow(id, `Bench (c) ${rows.length}`, [
				...rowsSource('Sheet', rows),
				node('Loop Over Items', 'n8n-nodes-base.splitInBatches', 3, 400, { batchSize: 25, options: {} }),
				node('Aggregate', 'n8n-nodes-base.aggregate', 1, 600, {
					fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'linkedin', renameField: true, outputFieldName: 'urls' }] },
					options: {},
				}),
				httpEnrich('HTTP Request', 800, sandbox, '$json.urls'),
				node('Split Out', 'n8n-nodes-base.splitOut', 1, 1000, { fieldToSplitOut: 'matches', include: 'allOtherFields', options: {} }),
			], {
				Start: { main: [[to('Sheet')]] },
				Sheet: { main: [[to('Loop Over Items')]] },
				'Loop Over Items': { main: [[], [to('Aggregate')]] },
				Aggregate: { main: [[to('HTTP Request')]] },
				'HTTP Request': { main: [[to('Split Out')]] },
				'Split Out': { main: [[to('Loop Over Items')]] },
			}),
	},
};

/** The contact tiers the contact case asks for. */
const CONTACT_FIELDS = ['business_emails', 'phone_numbers'];

/** This node with its defaults plus Contact: on a generation-2 account, /person/enrich then /person/contact/enrich. */
const CONTACT = {
	label: 'this node, with Contact',
	resultNode: 'Crustdata Person Enrich',
	contactFields: CONTACT_FIELDS,
	build: (id, rows) =>
		workflow(id, `Bench contact ${rows.length}`, [
			...rowsSource('Sheet', rows),
			node('Crustdata Person Enrich', 'n8n-nodes-crustdata-enrich.crustdataPersonEnrich', 1, 400, {
				profileUrl: '={{ $json.linkedin }}',
				fields: [...FIELDS, 'contact'],
				contactFields: CONTACT_FIELDS,
				options: {},
			}, { credentials: { crustdataEnrichApi: { id: 'CrustdataCred001', name: 'Crustdata sandbox' } }, onError: 'continueRegularOutput' }),
		], {
			Start: { main: [[to('Sheet')]] },
			Sheet: { main: [[to('Crustdata Person Enrich')]] },
		}),
};

module.exports = { VARIANTS, CONTACT };
