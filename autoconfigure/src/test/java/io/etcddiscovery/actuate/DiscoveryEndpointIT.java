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

package io.etcddiscovery.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcddiscovery.cloud.EtcdCloudServiceRegistry;
import io.etcddiscovery.cloud.EtcdServiceRegistration;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.registration.StatusPublisher;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
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
 * {@code /actuator/discovery}, {@code /actuator/serviceregistry}, the {@code etcd} health
 * component and the {@code discovery.*} metrics of a real web application against a real
 * etcd.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryEndpointIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final String KEY = "/services/default/orders/orders-1";

	private static final String PARKED_KEY = "/services/default/~parked/orders/orders-1";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static ConfigurableApplicationContext context;

	private static Client client;

	private static HttpClient http;

	private static String base;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=orders", "discovery.instance-id=orders-1", "server.port=0",
					"server.address=127.0.0.1", "discovery.host=127.0.0.1",
					"discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()), "discovery.ttl=30s",
					"discovery.shutdown.drain-delay=0s", "discovery.metadata.zone=eu-1", "discovery.client.warm-up=10m",
					"management.endpoints.web.exposure.include=discovery,serviceregistry,health,metrics",
					"management.endpoint.health.show-details=always", "spring.main.banner-mode=off")
			.run();
		base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + "/actuator";
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
		http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(publishedStatus()));
	}

	@AfterAll
	static void stop() {
		context.close();
		client.close();
	}

	@Test
	void showsThisInstancesRegistrationAndTheEtcdConnection() throws Exception {
		JsonNode body = json.readTree(get("/discovery").body());
		JsonNode instance = body.get("instance");
		assertThat(instance.get("service").asString()).isEqualTo("orders");
		assertThat(instance.get("instanceId").asString()).isEqualTo("orders-1");
		assertThat(instance.get("namespace").asString()).isEqualTo("default");
		assertThat(instance.get("key").asString()).isEqualTo(KEY);
		assertThat(instance.get("leaseId").asString()).matches("[0-9a-f]+");
		assertThat(instance.get("status").asString()).isEqualTo("UP");
		assertThat(instance.get("registration").asString()).isEqualTo("REGISTERED");
		assertThat(instance.get("registeredSince").asString()).isNotBlank();
		assertThat(instance.get("metadata").get("zone").asString()).isEqualTo("eu-1");
		assertThat(instance.has("leaseTimeLeft")).isTrue();
		assertThat(body.get("etcd").get("endpoints").get(0).asString()).isEqualTo(etcd.endpoint());
		assertThat(body.get("etcd").get("connection").asString()).isEqualTo("CONNECTED");
	}

	@Test
	void showsWhatThisInstanceDiscovered() throws Exception {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode discovery = json.readTree(get("/discovery").body()).get("discovery");
			assertThat(discovery.get("prefix").asString()).isEqualTo("/services/default/");
			assertThat(discovery.get("connected").asBoolean()).isTrue();
			assertThat(discovery.get("revision").asLong()).isPositive();
			JsonNode orders = discovery.get("services").get("orders").get(0);
			assertThat(orders.get("instanceId").asString()).isEqualTo("orders-1");
			assertThat(orders.get("status").asString()).isIn("UP", "OUT_OF_SERVICE");
		});
		JsonNode one = json.readTree(get("/discovery/orders").body());
		assertThat(one.get("service").asString()).isEqualTo("orders");
		assertThat(one.get("instances").get(0).get("key").asString()).isIn(KEY, PARKED_KEY);
		assertThat(get("/discovery/unknown").statusCode()).isEqualTo(404);
	}

	@Test
	void showsUntilWhenANewInstanceWarmsUp() throws Exception {
		String key = "/services/default/payments/p1";
		Instant before = Instant.now();
		putInstance(key, "p1", InstanceStatus.UP);
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> get("/discovery/payments").statusCode() == 200);
			JsonNode p1 = json.readTree(get("/discovery/payments").body()).get("instances").get(0);
			// Counted from when this application saw it UP, on its own clock.
			assertThat(Instant.parse(p1.get("warmingUpUntil").asString())).isAfter(before.plus(Duration.ofMinutes(9)))
				.isBefore(Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1));
			putInstance(key, "p1", InstanceStatus.OUT_OF_SERVICE);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				JsonNode until = json.readTree(get("/discovery/payments").body())
					.get("instances")
					.get(0)
					.get("warmingUpUntil");
				assertThat(until == null || until.isNull()).as("warmingUpUntil of an instance not UP").isTrue();
			});
		}
		finally {
			client.getKVClient().delete(ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
		}
	}

	private static void putInstance(String key, String instanceId, InstanceStatus status) throws Exception {
		byte[] value = new NamingFormat().encode(
				new ServiceRegistration("default", "payments", instanceId, "127.0.0.1", 8080, false, Map.of(), status),
				Instant.now());
		client.getKVClient()
			.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value))
			.get(10, TimeUnit.SECONDS);
	}

	@Test
	void outOfServiceTakesTheInstanceOutOfRotationAndUpHandsItBack() throws Exception {
		HttpResponse<String> out = post("/discovery", "{\"status\":\"OUT_OF_SERVICE\"}");
		assertThat(out.statusCode()).isEqualTo(200);
		// ttl 30s: the heartbeat beats every 10s, so this is the endpoint's doing.
		await().atMost(Duration.ofSeconds(3)).until(() -> "OUT_OF_SERVICE".equals(publishedStatus()));
		JsonNode instance = json.readTree(get("/discovery").body()).get("instance");
		assertThat(instance.get("override").asString()).isEqualTo("OUT_OF_SERVICE");
		assertThat(instance.get("key").asString()).as("parked, out of Go clients' sight").isEqualTo(PARKED_KEY);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					json.readTree(get("/discovery/orders").body()).get("instances").get(0).get("status").asString())
				.as("still discovered, with its status")
				.isEqualTo("OUT_OF_SERVICE"));
		assertThat(post("/discovery", "{\"status\":\"UP\"}").statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(3)).until(() -> "UP".equals(publishedStatus()));
		assertThat(json.readTree(get("/discovery").body()).get("instance").get("key").asString()).isEqualTo(KEY);
	}

	@Test
	void weightAndMetadataChangeTheValueInEtcdWithTheSameLease() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(publishedStatus()));
		KeyValue before = published();
		HttpResponse<String> drained = post("/discovery", "{\"weight\":0}");
		assertThat(drained.statusCode()).isEqualTo(200);
		assertThat(json.readTree(drained.body()).get("changesLast").asString())
			.contains("until the application restarts");
		await().atMost(Duration.ofSeconds(3)).until(() -> metadata(published()).has("weight"));
		assertThat(metadata(published()).get("weight").asString()).isEqualTo("0");
		assertThat(post("/discovery", "{\"metadata\":\"{\\\"team\\\":\\\"blue\\\",\\\"zone\\\":null}\"}").statusCode())
			.isEqualTo(200);
		await().atMost(Duration.ofSeconds(3)).until(() -> metadata(published()).has("team"));
		KeyValue after = published();
		JsonNode metadata = metadata(after);
		assertThat(metadata.get("team").asString()).isEqualTo("blue");
		assertThat(metadata.has("zone")).as("removed").isFalse();
		assertThat(metadata.get("weight").asString()).as("kept").isEqualTo("0");
		// Written in place by the registration: the same key, lease and creation.
		assertThat(after.getLease()).isEqualTo(before.getLease());
		assertThat(after.getCreateRevision()).isEqualTo(before.getCreateRevision());
		assertThat(after.getModRevision()).isGreaterThan(before.getModRevision());
		JsonNode instance = json.readTree(get("/discovery").body()).get("instance");
		assertThat(instance.get("metadata").get("team").asString()).isEqualTo("blue");
		assertThat(instance.get("metadata").get("weight").asString()).isEqualTo("0");
		assertThat(instance.get("leaseId").asString()).isEqualTo(Long.toHexString(before.getLease()));
		assertThat(instance.get("changesLast").asString()).contains("until the application restarts");
		// Back as configured.
		assertThat(post("/discovery",
				"{\"metadata\":\"{\\\"zone\\\":\\\"eu-1\\\",\\\"team\\\":null,\\\"weight\\\":null}\"}")
			.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(3)).until(() -> metadata(published()).has("zone"));
		assertThat(metadata(published()).has("team")).isFalse();
		assertThat(metadata(published()).has("weight")).isFalse();
		assertThat(published().getLease()).isEqualTo(before.getLease());
	}

	@Test
	void invalidWeightOrNothingToChangeIsRejectedAndChangesNothing() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(publishedStatus()));
		long modRevision = published().getModRevision();
		assertThat(post("/discovery", "{\"weight\":-1}").statusCode()).isEqualTo(400);
		assertThat(post("/discovery", "{\"weight\":\"heavy\"}").statusCode()).isEqualTo(400);
		assertThat(post("/discovery", "{\"metadata\":\"{\\\"weight\\\":\\\"heavy\\\"}\"}").statusCode()).isEqualTo(400);
		assertThat(post("/discovery", "{\"metadata\":\"team=blue\"}").statusCode()).isEqualTo(400);
		assertThat(post("/discovery", "{\"metadata\":\"{\\\"team\\\":{}}\"}").statusCode()).isEqualTo(400);
		assertThat(post("/discovery", "{}").statusCode()).isEqualTo(400);
		assertThat(published().getModRevision()).isEqualTo(modRevision);
	}

	@Test
	void invalidStatusIsRejectedAndChangesNothing() throws Exception {
		HttpResponse<String> response = post("/discovery", "{\"status\":\"SLEEPY\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(publishedStatus()).isEqualTo("UP");
		assertThat(json.readTree(get("/discovery").body()).get("instance").has("override")).isFalse();
	}

	@Test
	void springCloudServiceRegistryEndpointShowsAndSetsTheStatus() throws Exception {
		assertThat(get("/serviceregistry").body()).contains("UP");
		assertThat(post("/serviceregistry", "{\"status\":\"OUT_OF_SERVICE\"}").statusCode()).isBetween(200, 204);
		await().atMost(Duration.ofSeconds(3)).until(() -> "OUT_OF_SERVICE".equals(publishedStatus()));
		assertThat(post("/serviceregistry", "{\"status\":\"UP\"}").statusCode()).isBetween(200, 204);
		await().atMost(Duration.ofSeconds(3)).until(() -> "UP".equals(publishedStatus()));
	}

	@Test
	void serviceRegistryEndpointAnswersAnInvalidStatusWithABadRequest(CapturedOutput output) throws Exception {
		HttpResponse<String> foo = post("/serviceregistry", "{\"status\":\"FOO\"}");
		assertThat(foo.statusCode()).isEqualTo(400);
		assertThat(foo.body()).contains("Bad Request");
		assertThat(post("/serviceregistry", "{\"status\":\"down\"}").statusCode()).isEqualTo(400);
		assertThat(publishedStatus()).isEqualTo("UP");
		assertThat(output).doesNotContain("ERROR").doesNotContain("IllegalArgumentException");
	}

	@Test
	void serviceRegistryDeregistersAndRegistersAgain() throws Exception {
		EtcdServiceRegistration registration = context.getBean(EtcdServiceRegistration.class);
		EtcdCloudServiceRegistry registry = context.getBean(EtcdCloudServiceRegistry.class);
		registry.deregister(registration);
		assertThat(client.getKVClient().get(ByteSequence.from(KEY, StandardCharsets.UTF_8)).get().getCount()).isZero();
		assertThat(context.getBean(InstanceRegistrar.class).getState().phase())
			.isEqualTo(RegistrationState.Phase.DEREGISTERED);
		// Nothing heals a deregistration on request: the heartbeat (every 10s here)
		// finds no key to check, and a status change writes nothing.
		context.getBean(StatusPublisher.class).setOverride(InstanceStatus.OUT_OF_SERVICE);
		context.getBean(StatusPublisher.class).setOverride(null);
		assertThat(context.getBean(InstanceRegistrar.class).verify().get(5, TimeUnit.SECONDS)).isNull();
		assertThat(client.getKVClient().get(ByteSequence.from(KEY, StandardCharsets.UTF_8)).get().getCount()).isZero();
		registry.register(registration);
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(publishedStatus()));
		// The key is in etcd a moment before the registrar hears etcd's answer.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> context.getBean(InstanceRegistrar.class).getState().phase(),
					(phase) -> phase == RegistrationState.Phase.REGISTERED);
	}

	@Test
	void healthShowsTheEtcdCluster() throws Exception {
		JsonNode etcdHealth = json.readTree(get("/health").body()).get("components").get("etcd");
		assertThat(etcdHealth.get("status").asString()).isEqualTo("UP");
		assertThat(etcdHealth.get("details").get("members").asInt()).isEqualTo(1);
		assertThat(etcdHealth.get("details").get("clusterId").asString()).isNotBlank();
		assertThat(etcdHealth.get("details").get("leader").asString()).isNotBlank();
	}

	@Test
	void metricsListTheDiscoveryMeters() throws Exception {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("/metrics").body()).contains("discovery.registration.registered",
					"discovery.registration.status", "discovery.lease.losses", "discovery.reregistrations",
					"discovery.status.changes", "discovery.heartbeats"));
		JsonNode registered = json.readTree(get("/metrics/discovery.registration.registered").body());
		assertThat(registered.get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(base + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	// The instance's key as it is in etcd (UP: its instance key).
	private static KeyValue published() throws Exception {
		return client.getKVClient().get(ByteSequence.from(KEY.getBytes())).get().getKvs().get(0);
	}

	private static JsonNode metadata(KeyValue published) {
		return json.readTree(published.getValue().getBytes()).get("Instance").get("metadata");
	}

	// The status in the instance's key, wherever the status put it.
	private static String publishedStatus() throws Exception {
		var kvs = client.getKVClient().get(ByteSequence.from(KEY.getBytes())).get().getKvs();
		if (kvs.isEmpty()) {
			kvs = client.getKVClient().get(ByteSequence.from(PARKED_KEY.getBytes())).get().getKvs();
		}
		if (kvs.isEmpty()) {
			return null;
		}
		return json.readTree(kvs.get(0).getValue().getBytes()).get("Instance").get("status").asString();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
