/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.etcddiscovery.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real loopback sockets that fail the way a crashed, overloaded or hung instance does, so
 * that tests see what real HTTP clients do with them: a port that refuses connections,
 * one whose connection attempts time out, one that accepts requests and never answers,
 * one that dies with requests in flight (it reads each request and closes or resets the
 * connection without a byte of answer), one that dies half-way through its answer. Close
 * it to close every socket it opened.
 *
 * @author etcd-discovery authors
 */
public final class FaultySockets implements AutoCloseable {

	private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

	/**
	 * Return a loopback port nothing listens on: connections are refused, as by the host
	 * of a crashed process.
	 * @return the port
	 */
	public int refusingPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the port of a loopback listener whose accept queue is full: Linux drops
	 * further connection attempts, which time out after the client's connect timeout
	 * (nothing is ever sent), as with an overloaded or unreachable host.
	 * @return the port
	 */
	public int fullBacklogPort() {
		try {
			ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
			this.resources.add(server);
			// A backlog of 1 holds two connections that nobody accepts.
			for (int i = 0; i < 2; i++) {
				Socket filler = new Socket();
				filler.connect(server.getLocalSocketAddress(), 1000);
				this.resources.add(filler);
			}
			return server.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start a loopback listener that accepts connections and reads requests but never
	 * answers, as a hung process does: requests reach it, then time out.
	 * @param received counts the connections it accepted
	 * @return its port
	 */
	public int hungPort(AtomicInteger received) {
		try {
			ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.resources.add(server);
			Thread acceptor = new Thread(() -> {
				while (!server.isClosed()) {
					try {
						Socket accepted = server.accept();
						received.incrementAndGet();
						this.resources.add(accepted);
						Thread reader = new Thread(() -> drain(accepted), "test-hung-reader");
						reader.setDaemon(true);
						reader.start();
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "test-hung-acceptor");
			acceptor.setDaemon(true);
			acceptor.start();
			return server.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start a loopback listener that reads each request's head and then closes the
	 * connection without answering, as a process killed while the request is in flight
	 * does (the kernel closes its sockets with a FIN).
	 * @param received counts the requests it read
	 * @return its port
	 */
	public int closingPort(AtomicInteger received) {
		return answeringPort(received, "", false, false);
	}

	/**
	 * Start a loopback listener that reads one request's head and then dies: it stops
	 * listening and closes the connection without answering, as a process killed while
	 * the request is in flight does. Later connections are refused.
	 * @param received counts the requests it read (one)
	 * @return its port
	 */
	public int dyingPort(AtomicInteger received) {
		return answeringPort(received, "", false, true);
	}

	/**
	 * Start a loopback listener that reads one request's head and then dies resetting the
	 * connection (an RST, as when a killed process left unread data behind) without
	 * answering. Later connections are refused.
	 * @param received counts the requests it read (one)
	 * @return its port
	 */
	public int dyingResettingPort(AtomicInteger received) {
		return answeringPort(received, "", true, true);
	}

	/**
	 * Start a loopback listener that reads each request's head and then resets the
	 * connection (an RST, as when a killed process left unread data behind) without
	 * answering.
	 * @param received counts the requests it read
	 * @return its port
	 */
	public int resettingPort(AtomicInteger received) {
		return answeringPort(received, "", true, false);
	}

	/**
	 * Start a loopback listener that reads each request's head, writes the beginning of
	 * an answer (its status line and part of a header) and then closes the connection, as
	 * a process killed half-way through its answer does. (Not reset: a reset may discard
	 * the bytes before the client read them.)
	 * @param received counts the requests it read
	 * @return its port
	 */
	public int partiallyAnsweringPort(AtomicInteger received) {
		return answeringPort(received, "HTTP/1.1 200 OK\r\nContent-Ty", false, false);
	}

	private int answeringPort(AtomicInteger received, String answer, boolean reset, boolean dies) {
		try {
			ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.resources.add(server);
			Thread acceptor = new Thread(() -> {
				while (!server.isClosed()) {
					try (Socket accepted = server.accept()) {
						readHead(accepted.getInputStream());
						received.incrementAndGet();
						if (!answer.isEmpty()) {
							accepted.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
							accepted.getOutputStream().flush();
						}
						if (reset) {
							accepted.setSoLinger(true, 0);
						}
						if (dies) {
							// Refuses connections before the client sees this one end.
							server.close();
						}
					}
					catch (IOException ex) {
						if (server.isClosed()) {
							return;
						}
					}
				}
			}, "test-dying-acceptor");
			acceptor.setDaemon(true);
			acceptor.start();
			return server.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// Reads up to the empty line that ends a request's head.
	private static void readHead(InputStream in) throws IOException {
		int endOfLines = 0;
		int read;
		while (endOfLines < 4 && (read = in.read()) != -1) {
			endOfLines = (read == '\r' || read == '\n') ? endOfLines + 1 : 0;
		}
	}

	private static void drain(Socket socket) {
		try (InputStream in = socket.getInputStream()) {
			while (in.read() != -1) {
				// Never answers.
			}
		}
		catch (IOException ex) {
			// Closed.
		}
	}

	@Override
	public void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

}
