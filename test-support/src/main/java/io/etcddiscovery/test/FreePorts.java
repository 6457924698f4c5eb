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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Finds free loopback ports below the operating system's ephemeral range. A port the
 * system picks for a listener (port 0) comes from the range it also gives outgoing
 * connections: once a member stopped, any connection of any process could take its port,
 * and the member's restart then failed with "address already in use" (seen in HeartbeatIT
 * on the peer port). Below that range only another listener can take it.
 *
 * @author etcd-discovery authors
 */
final class FreePorts {

	private static final int LOWEST = 20000;

	// Linux's default lower bound, for systems without /proc.
	private static final int DEFAULT_EPHEMERAL_LOW = 32768;

	private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

	private static final int ATTEMPTS = 1000;

	private FreePorts() {
	}

	/**
	 * Return {@code count} distinct ports that are free on {@code 127.0.0.1}, below the
	 * ephemeral range. All sockets are held open until every port is chosen, so the same
	 * port is never returned twice.
	 * @param count how many ports are needed
	 * @return the ports
	 */
	static List<Integer> allocate(int count) {
		int highest = ephemeralLow() - 1;
		List<ServerSocket> sockets = new ArrayList<>(count);
		try {
			List<Integer> ports = new ArrayList<>(count);
			for (int attempt = 0; ports.size() < count; attempt++) {
				if (attempt == ATTEMPTS) {
					throw new IllegalStateException(
							"Could not find " + count + " free loopback ports between " + LOWEST + " and " + highest);
				}
				int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
				ServerSocket socket = bind(port);
				if (socket != null) {
					sockets.add(socket);
					ports.add(port);
				}
			}
			return ports;
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// Nothing was listening yet, so there is nothing to clean up
				}
			}
		}
	}

	private static @Nullable ServerSocket bind(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			try {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
				return socket;
			}
			catch (IOException ex) {
				socket.close();
				return null;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open a socket", ex);
		}
	}

	static int ephemeralLow() {
		try {
			String range = Files.readString(EPHEMERAL_RANGE).trim();
			int low = Integer.parseInt(range.split("\\s+")[0]);
			return (low > LOWEST + 1000) ? low : DEFAULT_EPHEMERAL_LOW;
		}
		catch (IOException | RuntimeException ex) {
			return DEFAULT_EPHEMERAL_LOW;
		}
	}

}
