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

package io.etcddiscovery.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * A grpc-java server on a free loopback port serving {@code grpc.health.v1.Health}, the
 * service the Go clients of these tests call.
 *
 * @author etcd-discovery authors
 */
final class HealthServer implements AutoCloseable {

	private final Server server;

	private HealthServer(Server server) {
		this.server = server;
	}

	static HealthServer start() {
		try {
			return new HealthServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
				.addService(new HealthStatusManager().getHealthService())
				.build()
				.start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.server.getPort();
	}

	/**
	 * Return the address Go's {@code peer.Peer} reports for calls to this server.
	 * @return {@code 127.0.0.1:port}
	 */
	String address() {
		return "127.0.0.1:" + port();
	}

	@Override
	public void close() {
		this.server.shutdownNow();
		try {
			this.server.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
