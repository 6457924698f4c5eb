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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The auto-configured etcd {@link Client}: built from a configured {@link ClientBuilder}
 * on a thread of the client's executor, so that the thread starting the application never
 * waits for jetcd, gRPC, Netty and protobuf to load and set up (about 2,000 classes, the
 * larger part of this library's start-up cost). Every method waits for the client if it
 * is not built yet; the library's own calls are all made on threads of their own.
 * <p>
 * The build starts once the application context has created its singletons
 * ({@link #afterSingletonsInstantiated()}), before its lifecycles start (the first
 * listing of discovery, the web server) and well before the application is ready and
 * registers; or earlier, with the first call, if something calls the client while the
 * context is still creating its beans. Not earlier: on a machine with few cores, the
 * build's classes and its channel took CPU from the thread creating the context's beans,
 * and the application was ready later for it.
 *
 * @author etcd-discovery authors
 */
public final class DeferredEtcdClient implements Client, SmartInitializingSingleton {

	private final CompletableFuture<Client> client = new CompletableFuture<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private final ClientBuilder builder;

	private final Consumer<Client> whenBuilt;

	private final Executor executor;

	/**
	 * Create a client built later on the given executor (see {@link #start()}).
	 * @param builder the configured builder
	 * @param whenBuilt what to do with the client once built, on the same thread
	 * @param executor where to build it
	 */
	public DeferredEtcdClient(ClientBuilder builder, Consumer<Client> whenBuilt, Executor executor) {
		this.builder = builder;
		this.whenBuilt = whenBuilt;
		this.executor = executor;
	}

	@Override
	public void afterSingletonsInstantiated() {
		start();
	}

	/**
	 * Start building the client on the executor, unless already started or closed.
	 */
	public void start() {
		if (!this.started.compareAndSet(false, true)) {
			return;
		}
		try {
			this.executor.execute(this::build);
		}
		catch (RejectedExecutionException ex) {
			this.client.completeExceptionally(ex);
		}
	}

	private void build() {
		try {
			Client built = this.builder.build();
			this.whenBuilt.accept(built);
			this.client.complete(built);
		}
		catch (RuntimeException | Error ex) {
			this.client.completeExceptionally(ex);
		}
	}

	private Client client() {
		start();
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
		if (this.started.compareAndSet(false, true)) {
			// Never built: nothing to close, and nothing to build after.
			this.client.completeExceptionally(new IllegalStateException("The etcd client is closed"));
			return;
		}
		// Waits for a build under way; a client that could not be built holds nothing.
		Client built = this.client.exceptionally((ex) -> null).join();
		if (built != null) {
			built.close();
		}
	}

}
