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
package io.etcddiscovery.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.Cluster;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.Watch;

/**
 * The auto-configured etcd {@link Client}: built from a configured {@link ClientBuilder}
 * on a thread of the client's executor, so that the thread starting the application never
 * waits for jetcd, gRPC, Netty and protobuf to load and set up (about 2,000 classes, the
 * larger part of this library's start-up cost). Every method waits for the client if it
 * is not built yet; the library's own calls are all made on threads of their own.
 *
 * @author etcd-discovery authors
 */
public final class DeferredEtcdClient implements Client {

	private final CompletableFuture<Client> client;

	/**
	 * Start building a client.
	 * @param builder the configured builder
	 * @param whenBuilt what to do with the client once built, on the same thread
	 * @param executor where to build it
	 */
	public DeferredEtcdClient(ClientBuilder builder, Consumer<Client> whenBuilt, Executor executor) {
		this.client = CompletableFuture.supplyAsync(() -> {
			Client built = builder.build();
			whenBuilt.accept(built);
			return built;
		}, executor);
	}

	private Client client() {
		try {
			return this.client.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	@Override
	public Auth getAuthClient() {
		return client().getAuthClient();
	}

	@Override
	public KV getKVClient() {
		return client().getKVClient();
	}

	@Override
	public Cluster getClusterClient() {
		return client().getClusterClient();
	}

	@Override
	public Maintenance getMaintenanceClient() {
		return client().getMaintenanceClient();
	}

	@Override
	public Lease getLeaseClient() {
		return client().getLeaseClient();
	}

	@Override
	public Watch getWatchClient() {
		return client().getWatchClient();
	}

	@Override
	public Lock getLockClient() {
		return client().getLockClient();
	}

	@Override
	public Election getElectionClient() {
		return client().getElectionClient();
	}

	@Override
	public void close() {
		// Waits for a build under way; a client that could not be built holds nothing.
		Client built = this.client.exceptionally((ex) -> null).join();
		if (built != null) {
			built.close();
		}
	}

}
