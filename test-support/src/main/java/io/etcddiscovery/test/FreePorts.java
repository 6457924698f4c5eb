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
import java.util.ArrayList;
import java.util.List;

/**
 * Finds free loopback ports by letting the operating system pick them.
 *
 * @author etcd-discovery authors
 */
final class FreePorts {

	private FreePorts() {
	}

	/**
	 * Return {@code count} distinct ports that are free on {@code 127.0.0.1}. All sockets
	 * are held open until every port is chosen, so the same port is never returned twice.
	 * @param count how many ports are needed
	 * @return the ports
	 */
	static List<Integer> allocate(int count) {
		List<ServerSocket> sockets = new ArrayList<>(count);
		try {
			List<Integer> ports = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				ServerSocket socket = new ServerSocket();
				sockets.add(socket);
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
				ports.add(socket.getLocalPort());
			}
			return ports;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free loopback port", ex);
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

}
