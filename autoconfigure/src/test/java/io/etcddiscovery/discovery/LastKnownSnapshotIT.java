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

package io.etcddiscovery.discovery;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The last-known snapshot against a real etcd: a caller that ran once wrote what it knew;
 * a new caller started while etcd is frozen ({@code SIGSTOP}) answers from that snapshot
 * within its initial lookup timeout, marked as such in {@code /actuator/discovery} and in
 * a meter, with passive ejection applying to it; once etcd answers, the first listing
 * replaces the snapshot whole, with what changed in etcd after the snapshot was written.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class LastKnownSnapshotIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final String PREFIX = "/services/default/";

	private static final Duration INITIAL_LOOKUP_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final NamingFormat codec = new NamingFormat();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static EtcdInspector inspector;

	@TempDir
	static Path snapshots;

	@BeforeAll
	static void connect() {
		inspector = new EtcdInspector(etcd.endpoints());
	}

	@AfterAll
	static void disconnect() {
		inspector.close();
	}

	@Test
	void aCallerStartedWhileEtcdIsFrozenAnswersFromItsSnapshotUntilTheListingReplacesIt(CapturedOutput output)
			throws Exception {
		int refusing = closedPort();
		register("orders", "o1", 18081, "1");
		register("orders", "o2", refusing, "1");
		register("billing", "b1", 19091, "1");
		try (ConfigurableApplicationContext first = caller()) {
			Caller caller = new Caller(first);
			await().atMost(TIMEOUT).untilAsserted(() -> {
				JsonNode cache = caller.discovery();
				assertThat(cache.get("fromSnapshot").asBoolean()).isFalse();
				assertThat(cache.get("snapshot").get("writes").asLong()).isEqualTo(1);
				assertThat(ids(cache, "orders")).containsExactly("o1", "o2");
			});
			assertThat(caller.meter()).isZero();
		}
		Path file;
		try (var files = Files.list(snapshots)) {
			file = files.filter((path) -> path.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
		}
		assertThat(keys(file)).containsExactly(PREFIX + "billing/b1", PREFIX + "orders/o1", PREFIX + "orders/o2");
		// Changes the snapshot never saw: a service gone, an instance gone, one added,
		// one whose metadata changed.
		inspector.delete(PREFIX + "billing/b1");
		inspector.delete(PREFIX + "orders/o2");
		register("orders", "o3", 18083, "1");
		register("orders", "o1", 18081, "2");
		etcd.pause();
		ConfigurableApplicationContext second = null;
		try {
			long starting = System.nanoTime();
			second = caller();
			Duration started = Duration.ofNanos(System.nanoTime() - starting);
			Caller caller = new Caller(second);
			EtcdDiscoveryClient discovery = second.getBean(EtcdDiscoveryClient.class);
			List<DiscoveredInstance> orders = discovery.instances("orders");
			Duration answered = Duration.ofNanos(System.nanoTime() - starting);
			assertThat(ids(orders)).containsExactly("o1", "o2");
			assertThat(orders.get(0).metadata()).containsEntry("version", "1");
			assertThat(ids(discovery.instances("billing"))).containsExactly("b1");
			assertThat(answered).isLessThan(started.plus(INITIAL_LOOKUP_TIMEOUT).plusSeconds(1));
			System.out.printf("Caller started in %d ms while etcd was frozen; first lookup answered from the "
					+ "snapshot %d ms after start began%n", started.toMillis(), answered.toMillis());
			ServiceCache cache = second.getBean(ServiceCache.class);
			assertThat(cache.isListed()).isFalse();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				JsonNode view = caller.discovery();
				assertThat(view.get("fromSnapshot").asBoolean()).isTrue();
				assertThat(view.get("snapshot").get("servingWrittenAt").asString()).isNotBlank();
				assertThat(view.get("snapshot").get("file").asString()).isEqualTo(file.toString());
				assertThat(ids(view, "orders")).containsExactly("o1", "o2");
				assertThat(ids(view, "billing")).containsExactly("b1");
				for (JsonNode instance : view.get("services").get("orders")) {
					assertThat(instance.get("fromSnapshot").asBoolean()).isTrue();
				}
				assertThat(caller.meter()).isEqualTo(1);
			});
			// Passive ejection applies to the snapshot's instances: o2 refuses
			// connections.
			EjectedInstances ejected = second.getBean(EjectedInstances.class);
			assertThat(ejected.eject("orders", "o2", "127.0.0.1", refusing, new ConnectException("refused"))).isTrue();
			assertThat(ejected.isEjected("orders", "127.0.0.1", refusing)).isTrue();
			long resumed = System.nanoTime();
			etcd.resume();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				JsonNode view = caller.discovery();
				assertThat(view.get("fromSnapshot").asBoolean()).isFalse();
				assertThat(view.get("services").has("billing")).isFalse();
				assertThat(ids(view, "orders")).containsExactly("o1", "o3");
				for (JsonNode instance : view.get("services").get("orders")) {
					assertThat(instance.get("fromSnapshot").asBoolean()).isFalse();
				}
			});
			Duration replaced = Duration.ofNanos(System.nanoTime() - resumed);
			System.out.printf("Listing replaced the snapshot %d ms after etcd resumed%n", replaced.toMillis());
			assertThat(cache.isListed()).isTrue();
			// What the first listing holds was there when the caller started, o3 included
			// (added while the snapshot was served): none of it warms up.
			assertThat(cache.upSince(PREFIX + "orders/o1")).isEmpty();
			assertThat(cache.upSince(PREFIX + "orders/o3")).isEmpty();
			assertThat(caller.meter()).isZero();
			assertThat(ids(discovery.instances("orders"))).containsExactly("o1", "o3");
			assertThat(discovery.instances("orders").get(0).metadata()).containsEntry("version", "2");
			assertThat(discovery.instances("billing")).isEmpty();
			assertThat(discovery.services()).doesNotContain("billing");
			// The listing dropped o2: its ejection ends.
			await().atMost(TIMEOUT).until(() -> !ejected.isEjected("orders", "127.0.0.1", refusing));
			assertThat(ejected.getEnded(EjectedInstances.EndReason.REMOVED)).isEqualTo(1);
			// And the snapshot now holds what etcd holds.
			await().atMost(TIMEOUT)
				.untilAsserted(
						() -> assertThat(caller.discovery().get("snapshot").get("writes").asLong()).isEqualTo(1));
			assertThat(keys(file)).containsExactly(PREFIX + "orders/o1", PREFIX + "orders/o3");
		}
		finally {
			etcd.resume();
			if (second != null) {
				second.close();
			}
		}
		assertThat(output)
			.containsPattern(PREFIX + " was not listed within 2s: lookups answer from the 3 last-known instances of 2 "
					+ "services written at \\S+ to " + file)
			.contains("Listed " + PREFIX + ": its instances replace the last-known instances written at ");
	}

	private static ConfigurableApplicationContext caller() {
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=caller", "discovery.register=false", "server.port=0",
					"server.address=127.0.0.1", "discovery.etcd.endpoints=" + etcd.endpoint(), "discovery.ttl=3s",
					"discovery.etcd.request-timeout=1s",
					"discovery.client.initial-lookup-timeout=" + INITIAL_LOOKUP_TIMEOUT.toSeconds() + "s",
					"management.endpoints.web.exposure.include=discovery", "spring.main.banner-mode=off")
			// An argument: the build's system property (target/last-known-instances)
			// would win over a default property.
			.run("--discovery.client.snapshot.directory=" + snapshots);
	}

	private static void register(String service, String instanceId, int port, String version) {
		ServiceRegistration registration = new ServiceRegistration("default", service, instanceId, "127.0.0.1", port,
				false, Map.of("version", version), InstanceStatus.UP);
		inspector.put(PREFIX + service + "/" + instanceId,
				new String(codec.encode(registration, Instant.now()), StandardCharsets.UTF_8), 0);
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static List<String> keys(Path file) throws Exception {
		List<String> keys = new ArrayList<>();
		json.readTree(Files.readString(file)).get("instances").forEach((node) -> keys.add(node.get("key").asString()));
		return keys;
	}

	private static List<String> ids(JsonNode cache, String service) {
		List<String> ids = new ArrayList<>();
		cache.get("services").get(service).forEach((node) -> ids.add(node.get("instanceId").asString()));
		return ids;
	}

	private static List<String> ids(List<DiscoveredInstance> instances) {
		return instances.stream().map(DiscoveredInstance::instanceId).toList();
	}

	private record Caller(ConfigurableApplicationContext context) {

		JsonNode discovery() throws Exception {
			int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
			HttpResponse<String> response = http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/discovery"))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			return json.readTree(response.body()).get("discovery");
		}

		double meter() {
			return this.context.getBean(MeterRegistry.class).get("discovery.cache.snapshot.serving").gauge().value();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
