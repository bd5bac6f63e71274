// Collects the promise rejections nobody handles while `during` runs (n8n's lint keeps `process`
// out of .ts files). n8n reports such a rejection as an uncaught error of the instance.
async function unheardRejectionsDuring(during) {
	const unheard = [];
	const listen = (reason) => unheard.push(reason);
	process.on('unhandledRejection', listen);
	try {
		await during();
		// Node reports an unhandled rejection after the microtasks of the turn that made it.
		await new Promise((resolve) => setTimeout(resolve, 50));
	} finally {
		process.off('unhandledRejection', listen);
	}
	return unheard;
}

module.exports = { unheardRejectionsDuring };
