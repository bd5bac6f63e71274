'use strict';
/*
 * A server that closes at once: its open sockets (kept alive, or held by an answer that never
 * comes) are tracked and destroyed on close, rather than waited for. Shared by the sandbox and
 * the fault servers. CommonJS, Node 20, node: built-ins only.
 */

/**
 * @param {import('node:http').Server} server
 * @param {{ tls?: boolean }} [options] over TLS the requests run on the TLS socket wrapped around the TCP one; both are ended
 * @returns {() => Promise<void>} closes the server and every socket still open
 */
function closableServer(server, options = {}) {
	const sockets = new Set();
	const track = (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	};
	server.on('connection', track);
	if (options.tls) server.on('secureConnection', track);
	server.on('clientError', (_err, socket) => socket.destroy());
	return () =>
		new Promise((resolve) => {
			server.close(() => resolve());
			for (const socket of sockets) socket.destroy();
			sockets.clear();
		});
}

module.exports = { closableServer };
