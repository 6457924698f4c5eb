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

package io.etcddiscovery.registration;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcddiscovery.test.EtcdExtension;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * After the context closes no thread of this library or of its etcd client is left, the
 * client is closed, and no lease is left behind.
 *
 * @author etcd-discovery authors
 */
class RegistrationThreadsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	// The auto-configured client runs on etcd-discovery-client-N threads; jetcd-N threads
	// belong to the test's own client. Vert.x threads come with the keep-alive stream.
	private static final List<String> OWNED_THREAD_PREFIXES = List.of("etcd-discovery-", "vert.x-");

	@Test
	void leavesNoThreadNoLeaseAndAClosedClientAfterManyCyclesAndReconnects() throws Exception {
		try (EtcdInspector inspector = new EtcdInspector(etcd.endpoints())) {
			inspector.keys("/");
			Set<Long> baseline = ownedThreads().stream().map(Thread::getId).collect(Collectors.toSet());
			long leaseId;
			Client client;
			for (int cycle = 0; cycle < 10; cycle++) {
				ConfigurableApplicationContext context = TestApplication.run(etcd.endpoints(), "orders",
						"discovery.instance-id=orders-1");
				InstanceRegistrar registrar = context.getBean(InstanceLifecycle.class).getRegistrar();
				client = context.getBean(Client.class);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> registrar.getState().phase() == RegistrationState.Phase.REGISTERED);
				if (cycle % 3 == 2) {
					// A reconnect: etcd restarts under the running instance.
					etcd.restart();
					await().atMost(Duration.ofSeconds(30))
						.until(() -> registrar.getState().phase() == RegistrationState.Phase.REGISTERED
								&& registrar.getState().lastRenewal() != null);
				}
				leaseId = registrar.getState().leaseId();
				context.close();
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(
							() -> assertThat(ownedThreads()).filteredOn((thread) -> !baseline.contains(thread.getId()))
								.extracting(Thread::getName)
								.isEmpty());
				Client closed = client;
				// A closed client refuses calls at once: it does not wait for etcd (its
				// callback executor runs what the closed channel still hands it on the
				// caller's thread, so the refusal is gRPC's own).
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(
							() -> closed.getKVClient().get(ByteSequence.from("/".getBytes())).get(5, TimeUnit.SECONDS))
					.havingRootCause()
					.satisfiesAnyOf((cause) -> assertThat(cause).isInstanceOf(RejectedExecutionException.class),
							(cause) -> assertThat(cause).isInstanceOf(StatusRuntimeException.class)
								.hasMessageContaining("UNAVAILABLE"));
				assertThat(inspector.isLeaseAlive(leaseId)).isFalse();
				assertThat(inspector.keys("/services/")).isEmpty();
			}
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(leases()).isEmpty());
		}
	}

	private static String leases() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v3/lease/leases"))
				.timeout(Duration.ofSeconds(5))
				.POST(HttpRequest.BodyPublishers.ofString("{}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		// {"header":{...}} without "leases" when there are none.
		return response.body().contains("\"leases\"") ? response.body() : "";
	}

	private static List<Thread> ownedThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.filter((thread) -> OWNED_THREAD_PREFIXES.stream().anyMatch(thread.getName()::startsWith))
			.toList();
	}

}
