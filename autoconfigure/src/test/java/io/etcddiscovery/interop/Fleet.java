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

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.registration.EtcdRegistrationStore;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.registration.RegistrationStore;
import io.etcddiscovery.registration.ServiceRegistration;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.awaitility.Awaitility.await;

/**
 * What one interoperability test runs: instances of service {@code orders} registered by
 * this library's registrar, and Go programs; all stopped by {@link #close()}.
 *
 * @author etcd-discovery authors
 */
final class Fleet implements AutoCloseable {

	private static final SimpleAsyncTaskScheduler SCHEDULER = daemonScheduler();

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static final String GO_TARGET = "etcd:////services/default/orders";

	private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2);

	private final Client client;

	private final String endpoint;

	private final List<InstanceRegistrar> registrars = new ArrayList<>();

	private final List<InteropProcess> programs = new ArrayList<>();

	Fleet(Client client, String endpoint) {
		this.client = client;
		this.endpoint = endpoint;
	}

	/**
	 * Return a started cache of namespace {@code default}, for the caller to close.
	 * @param client the etcd client
	 * @return the cache
	 */
	static ServiceCache cache(Client client) {
		ServiceCache cache = new ServiceCache(client, "/services/default/", Duration.ofSeconds(2),
				Duration.ofSeconds(5), BACKOFF, Clock.systemUTC(), SCHEDULER);
		cache.start();
		return cache;
	}

	/**
	 * Register an instance of {@code orders} reached at a server, with metadata
	 * {@code zone=eu-1}, and wait until it is registered.
	 * @param id the instance id
	 * @param server where it is reached
	 * @param status its status
	 * @return the registrar
	 */
	InstanceRegistrar register(String id, HealthServer server, InstanceStatus status) {
		InstanceRegistrar registrar = new InstanceRegistrar(
				new EtcdRegistrationStore(this.client, Duration.ofSeconds(2)), new KeyLayout("/services"),
				Duration.ofSeconds(5), BACKOFF, Clock.systemUTC(), SCHEDULER);
		this.registrars.add(registrar);
		registrar.start(new ServiceRegistration("default", "orders", id, "127.0.0.1", server.port(), false,
				Map.of("zone", "eu-1"), status));
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		return registrar;
	}

	/**
	 * Start the Go gRPC client of a Go stack on {@code orders} and wait until it runs.
	 * @param stack the Go stack
	 * @param policy the load-balancing policy
	 * @return the client
	 */
	InteropProcess grpcClient(GoStack stack, String policy) {
		InteropProcess go = start(stack.binary("grpcclient"), "-etcd", this.endpoint, "-target", GO_TARGET, "-policy",
				policy);
		go.awaitLine("started", TIMEOUT);
		return go;
	}

	/**
	 * Start a Go program, stopped with the fleet.
	 * @param binary the program
	 * @param arguments its arguments
	 * @return the process
	 */
	InteropProcess start(Path binary, String... arguments) {
		InteropProcess go = InteropProcess.start(binary, arguments);
		this.programs.add(go);
		return go;
	}

	@Override
	public void close() {
		this.programs.forEach(InteropProcess::close);
		this.registrars.forEach((registrar) -> registrar.stop(Duration.ZERO));
	}

	// Shared by every fleet of the JVM and never closed: its threads must not keep the
	// JVM
	// alive.
	private static SimpleAsyncTaskScheduler daemonScheduler() {
		SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
		scheduler.setDaemon(true);
		return scheduler;
	}

}
