// Prints measured figures from a test, so a run shows them (n8n's lint keeps console out of .ts files).
function printFigures(title, figures) {
	const lines = Object.entries(figures).map(([name, value]) => `  ${name}: ${value}`);
	process.stdout.write(`\n${title}\n${lines.join('\n')}\n`);
}

module.exports = { printFigures };
