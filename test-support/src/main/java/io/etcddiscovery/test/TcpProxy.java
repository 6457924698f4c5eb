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
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a loopback port in front of an etcd member (or any TCP server) that a
 * test can {@linkplain #cut() cut}, to make a client lose its connections while etcd
 * keeps running and changing, and then {@linkplain #restore() restore}; or
 * {@linkplain #partition() partition}, to make etcd go silent for the client while every
 * connection stays open, and then {@linkplain #heal() heal}. Give the client
 * {@link #endpoint()} instead of etcd's endpoint. Each connection costs two daemon
 * threads; {@link #close()} closes every connection.
 *
 * @author etcd-discovery authors
 */
public final class TcpProxy implements AutoCloseable {

	private final InetSocketAddress target;

	private final int port;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile ServerSocket server;

	private volatile Thread acceptor;

	private volatile boolean partitioned;

	private TcpProxy(InetSocketAddress target) throws IOException {
		this.target = target;
		this.server = bind(0);
		this.port = this.server.getLocalPort();
		this.acceptor = accept(this.server);
	}

	/**
	 * Start a proxy to an etcd endpoint, listening on a free loopback port.
	 * @param endpoint the endpoint, {@code http://127.0.0.1:port}; only its host and port
	 * are used
	 * @return the proxy
	 */
	public static TcpProxy to(String endpoint) {
		URI uri = URI.create(endpoint);
		try {
			return new TcpProxy(new InetSocketAddress(uri.getHost(), uri.getPort()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the endpoint of the proxy, to give the client instead of etcd's.
	 * @return the endpoint, {@code http://127.0.0.1:port}
	 */
	public String endpoint() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * Close every connection and refuse new ones: the client sees its connections reset
	 * and new ones refused, as when etcd's host goes away.
	 */
	public void cut() {
		closeQuietly(this.server);
		// The listening socket is gone only once the thread blocked in accept() has
		// returned: until then the kernel still completes new connections.
		try {
			this.acceptor.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.sockets.forEach(TcpProxy::closeQuietly);
		this.sockets.clear();
	}

	/**
	 * Stop forwarding bytes in either direction, keeping every connection open: what a
	 * client sees of a network partition or of a member that stopped answering.
	 */
	public void partition() {
		this.partitioned = true;
	}

	/**
	 * Forward again what was held back and whatever comes next.
	 */
	public synchronized void heal() {
		this.partitioned = false;
		notifyAll();
	}

	/**
	 * Accept connections again, on the same port, after {@link #cut()}.
	 */
	public void restore() {
		try {
			this.server = bind(this.port);
			this.acceptor = accept(this.server);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Close every connection and the listening socket, and release what a partition held
	 * back.
	 */
	@Override
	public void close() {
		cut();
		heal();
	}

	private static ServerSocket bind(int port) throws IOException {
		ServerSocket server = new ServerSocket();
		server.setReuseAddress(true);
		server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		return server;
	}

	private Thread accept(ServerSocket server) {
		Thread acceptor = new Thread(() -> {
			while (!server.isClosed()) {
				try {
					Socket client = server.accept();
					this.sockets.add(client);
					try {
						Socket upstream = new Socket(this.target.getAddress(), this.target.getPort());
						this.sockets.add(upstream);
						pipe(client, upstream);
						pipe(upstream, client);
					}
					catch (IOException ex) {
						// etcd is not there: the client sees a reset.
						closeQuietly(client);
					}
				}
				catch (IOException ex) {
					// Closed by cut().
				}
			}
		}, "test-proxy-accept-" + this.port);
		acceptor.setDaemon(true);
		acceptor.start();
		return acceptor;
	}

	private void pipe(Socket from, Socket to) {
		Thread pipe = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					awaitHealed();
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// Cut, or closed by either side.
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "test-proxy-pipe-" + this.port);
		pipe.setDaemon(true);
		pipe.start();
	}

	private synchronized void awaitHealed() throws IOException {
		while (this.partitioned) {
			try {
				wait();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted");
			}
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Already closed.
		}
	}

}
