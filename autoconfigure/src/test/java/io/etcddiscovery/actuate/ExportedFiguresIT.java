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
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.test.EtcdExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every figure this library exports moves when the event it counts happens: each
 * {@code discovery.*} meter, each field of {@code /actuator/discovery} and each log line
 * of a state change is provoked here, against a real etcd and a real web application, and
 * its new value asserted. Values that only the property-based {@code PoisonedValuesIT}
 * and {@code ServiceCacheIT} provoke in numbers are checked there too.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class ExportedFiguresIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final String KEY = "/services/default/orders/orders-1";

	private static final Duration TTL = Duration.ofSeconds(3);

	private static final Duration TIMEOUT = Duration.ofSeconds(40);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicReference<Status> health = new AtomicReference<>(Status.UP);

	private static ConfigurableApplicationContext context;

	private static MeterRegistry meters;

	private static EtcdInspector inspector;

	private static HttpClient http;

	private static String actuator;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=orders", "discovery.instance-id=orders-1", "server.port=0",
					"server.address=127.0.0.1", "discovery.host=127.0.0.1",
					"discovery.etcd.endpoints=" + etcd.endpoint(), "discovery.ttl=3s",
					"discovery.etcd.request-timeout=1s", "discovery.retry.initial-interval=200ms",
					"discovery.retry.max-interval=1s", "discovery.shutdown.drain-delay=0s",
					// The test's own values leave by a plain delete: not held (the
					// protection has figures of its own, in RemovalProtectionIT).
					"discovery.client.protection.enabled=false",
					"management.endpoints.web.exposure.include=discovery,metrics", "spring.main.banner-mode=off")
			.run();
		actuator = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + "/actuator";
		meters = context.getBean(MeterRegistry.class);
		http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		inspector = new EtcdInspector(etcd.endpoints());
	}

	@AfterAll
	static void stop() {
		context.close();
		inspector.close();
	}

	@BeforeEach
	void registered() {
		health.set(Status.UP);
		await().atMost(TIMEOUT)
			.until(() -> "REGISTERED".equals(instance().get("registration").asString())
					&& "UP".equals(instance().get("status").asString())
					&& count("discovery.registration.registered") == 1);
	}

	@Test
	void aRevokedLeaseIsALeaseLossAndAReRegistration(CapturedOutput output) throws Exception {
		JsonNode before = instance();
		double losses = count("discovery.lease.losses");
		double reRegistrations = count("discovery.reregistrations");
		String lease = before.get("leaseId").asString();
		inspector.revoke(Long.parseUnsignedLong(lease, 16));
		await().atMost(TIMEOUT).until(() -> count("discovery.reregistrations") == reRegistrations + 1);
		assertThat(count("discovery.lease.losses")).isEqualTo(losses + 1);
		JsonNode after = registeredInstance();
		assertThat(after.get("leaseLosses").asLong()).isEqualTo(before.get("leaseLosses").asLong() + 1);
		assertThat(after.get("reRegistrations").asLong()).isEqualTo(before.get("reRegistrations").asLong() + 1);
		assertThat(after.get("leaseId").asString()).isNotEqualTo(lease);
		assertThat(instant(after, "registeredSince")).isAfter(instant(before, "registeredSince"));
		// Whichever tells first, the keep-alive stream or the key's watch, the loss is
		// counted once.
		assertThat(output).containsPattern("Lease " + lease + " of " + KEY + " was lost \\(.+\\): registering again")
			.contains("Re-registered " + KEY + " with lease " + after.get("leaseId").asString());
		assertThat(count("discovery.lease.losses")).isEqualTo(losses + 1);
	}

	@Test
	void aDeletedKeyIsAReRegistrationWithTheSameLease(CapturedOutput output) throws Exception {
		JsonNode before = instance();
		double losses = count("discovery.lease.losses");
		double reRegistrations = count("discovery.reregistrations");
		inspector.delete(KEY);
		await().atMost(TIMEOUT).until(() -> count("discovery.reregistrations") == reRegistrations + 1);
		JsonNode after = registeredInstance();
		assertThat(count("discovery.lease.losses")).isEqualTo(losses);
		assertThat(after.get("reRegistrations").asLong()).isEqualTo(before.get("reRegistrations").asLong() + 1);
		assertThat(after.get("leaseLosses").asLong()).isEqualTo(before.get("leaseLosses").asLong());
		assertThat(after.get("leaseId").asString()).isEqualTo(before.get("leaseId").asString());
		assertThat(output)
			.containsPattern("Key " + KEY + " was lost \\(deleted by someone else.*\\): registering again")
			.contains("Re-registered " + KEY + " with lease " + before.get("leaseId").asString());
	}

	@Test
	void aWipedEtcdIsALeaseLossAReRegistrationAndAResync(CapturedOutput output) throws Exception {
		JsonNode before = instance();
		JsonNode cacheBefore = discovery();
		double reRegistrations = count("discovery.reregistrations");
		double resyncs = count("discovery.cache.resyncs");
		etcd.wipeAndRestart();
		await().atMost(TIMEOUT)
			.until(() -> count("discovery.reregistrations") == reRegistrations + 1
					&& count("discovery.cache.resyncs") >= resyncs + 1);
		JsonNode after = registeredInstance();
		assertThat(after.get("leaseLosses").asLong()).isEqualTo(before.get("leaseLosses").asLong() + 1);
		assertThat(after.get("reRegistrations").asLong()).isEqualTo(before.get("reRegistrations").asLong() + 1);
		await().atMost(TIMEOUT).until(() -> discovery().get("services").has("orders"));
		JsonNode cacheAfter = discovery();
		assertThat(cacheAfter.get("resyncs").asLong()).isGreaterThan(cacheBefore.get("resyncs").asLong());
		assertThat(instant(cacheAfter, "lastListedAt")).isAfter(instant(cacheBefore, "lastListedAt"));
		assertThat(output).contains("History of etcd went back").contains("Re-listed /services/default/");
	}

	@Test
	void etcdUnreachableBeyondTheTtlIsShownUntilItIsBackWithTheLeaseItKept(CapturedOutput output) throws Exception {
		JsonNode before = instance();
		double failedBeats = timerCount("failure");
		double beats = timerCount("success");
		double reRegistrations = count("discovery.reregistrations");
		double losses = count("discovery.lease.losses");
		etcd.stop();
		try {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				JsonNode down = instance();
				assertThat(down.get("registration").asString()).isEqualTo("RETRYING");
				assertThat(down.get("consecutiveHeartbeatFailures").asInt()).isPositive();
				assertThat(down.get("lastError").asString()).isNotBlank();
				assertThat(down.get("lastHeartbeat").get("success").asBoolean()).isFalse();
				assertThat(down.get("lastHeartbeat").get("failure").asString()).isNotBlank();
				// No keep-alive reply within the TTL: the lease lapsed, and is kept until
				// etcd
				// says what became of it.
				assertThat(down.get("leaseId").asString()).isEqualTo(before.get("leaseId").asString());
				assertThat(Duration.between(instant(down, "lastRenewal"), Instant.now())).isGreaterThan(TTL);
				assertThat(count("discovery.registration.registered")).isZero();
				assertThat(timerCount("failure")).isGreaterThan(failedBeats);
				JsonNode body = body("/discovery");
				assertThat(body.get("etcd").get("connection").asString()).isEqualTo("UNREACHABLE");
				JsonNode cache = body.get("discovery");
				assertThat(cache.get("connected").asBoolean()).isFalse();
				assertThat(cache.get("disconnectedSince").asString()).isNotBlank();
				assertThat(cache.get("lastError").asString()).isNotBlank();
				assertThat(count("discovery.cache.connected")).isZero();
			});
		}
		finally {
			etcd.restart();
		}
		// The restarted etcd gave every lease its TTL again: the next renewal found it.
		await().atMost(TIMEOUT).untilAsserted(() -> {
			JsonNode back = registeredInstance();
			assertThat(back.get("leaseId").asString()).isEqualTo(before.get("leaseId").asString());
			assertThat(count("discovery.reregistrations")).isEqualTo(reRegistrations);
			assertThat(count("discovery.lease.losses")).isEqualTo(losses);
			assertThat(back.get("consecutiveRegistrationFailures").asInt()).isZero();
			assertThat(back.has("lastError")).isFalse();
			assertThat(back.get("lastHeartbeat").get("success").asBoolean()).isTrue();
			assertThat(back.get("consecutiveHeartbeatFailures").asInt()).isZero();
			assertThat(timerCount("success")).isGreaterThan(beats);
			assertThat(instant(back, "lastRenewal")).isAfter(instant(before, "lastRenewal"));
			assertThat(body("/discovery").get("etcd").get("connection").asString()).isEqualTo("CONNECTED");
			JsonNode cache = discovery();
			assertThat(cache.get("connected").asBoolean()).isTrue();
			assertThat(cache.has("disconnectedSince")).isFalse();
			assertThat(count("discovery.cache.connected")).isEqualTo(1);
			assertThat(count("discovery.registration.registered")).isEqualTo(1);
		});
		assertThat(output)
			.contains("No keep-alive reply from etcd for lease " + before.get("leaseId").asString() + " of " + KEY
					+ " within its TTL")
			.doesNotContain("Re-registered " + KEY)
			.contains("Watch of /services/default/ interrupted");
	}

	@Test
	void statusChangesAreCountedAndShown(CapturedOutput output) throws Exception {
		double changes = count("discovery.status.changes");
		health.set(Status.DOWN);
		await().atMost(TIMEOUT).until(() -> count("discovery.status.changes") == changes + 1);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			JsonNode down = instance();
			assertThat(down.get("status").asString()).isEqualTo("DOWN");
			assertThat(down.get("healthStatus").asString()).isEqualTo("DOWN");
			assertThat(statusGauge("DOWN")).isEqualTo(1);
			assertThat(statusGauge("UP")).isZero();
			assertThat(instances("orders", "DOWN")).isEqualTo(1);
			assertThat(instances("orders", "UP")).isZero();
		});
		assertThat(output).contains("Status of " + KEY + " changed from UP to DOWN");
		health.set(Status.UP);
		await().atMost(TIMEOUT).until(() -> count("discovery.status.changes") == changes + 2);
		HttpResponse<String> out = post("/discovery", "{\"status\":\"OUT_OF_SERVICE\"}");
		assertThat(out.statusCode()).isEqualTo(200);
		await().atMost(TIMEOUT).until(() -> count("discovery.status.changes") == changes + 3);
		JsonNode overridden = instance();
		assertThat(overridden.get("override").asString()).isEqualTo("OUT_OF_SERVICE");
		assertThat(overridden.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
		assertThat(overridden.get("healthStatus").asString()).isEqualTo("UP");
		assertThat(statusGauge("OUT_OF_SERVICE")).isEqualTo(1);
		assertThat(post("/discovery", "{\"status\":\"UP\"}").statusCode()).isEqualTo(200);
		await().atMost(TIMEOUT).until(() -> count("discovery.status.changes") == changes + 4);
		assertThat(output).contains("Status of " + KEY + " changed from UP to OUT_OF_SERVICE")
			// A status other than UP parks the key (see go-interop.md): the line names
			// where it was.
			.containsPattern("Status of \\S+ changed from OUT_OF_SERVICE to UP");
	}

	@Test
	void watchEventsAndSkippedValuesAreCountedAndShown(CapturedOutput output) throws Exception {
		JsonNode before = discovery();
		double events = count("discovery.watch.events");
		double skipped = count("discovery.cache.values.skipped");
		inspector.put("/services/default/billing/b1", "{\"Op\":0,\"Addr\":\"127.0.0.1:9001\"}", 0);
		inspector.put("/services/default/billing/bad", "{\"Op\":0,\"Addr\":\"bad host:1234\"}", 0);
		try {
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(count("discovery.watch.events")).isEqualTo(events + 2);
				assertThat(count("discovery.cache.values.skipped")).isEqualTo(skipped + 1);
				assertThat(instances("billing", "UP")).isEqualTo(1);
				JsonNode after = discovery();
				assertThat(after.get("eventsApplied").asLong()).isEqualTo(before.get("eventsApplied").asLong() + 2);
				assertThat(after.get("revision").asLong()).isGreaterThanOrEqualTo(before.get("revision").asLong() + 2);
				assertThat(after.get("synced").asBoolean()).isTrue();
				assertThat(after.get("valuesSkipped").asLong()).isEqualTo(before.get("valuesSkipped").asLong() + 1);
				assertThat(after.get("invalidKeys").asInt()).isEqualTo(1);
				assertThat(after.get("lastSkipped").get("key").asString()).isEqualTo("/services/default/billing/bad");
				assertThat(after.get("lastSkipped").get("reason").asString())
					.startsWith("the host is not a valid host name");
				assertThat(after.get("lastSkipped").get("revision").asLong()).isPositive();
				assertThat(after.get("services").get("billing").get(0).get("instanceId").asString()).isEqualTo("b1");
				if (before.has("lastEventAt")) {
					assertThat(instant(after, "lastEventAt")).isAfter(instant(before, "lastEventAt"));
				}
			});
			assertThat(output).contains("Skipping /services/default/billing/bad at revision ");
		}
		finally {
			inspector.delete("/services/default/billing/b1");
			inspector.delete("/services/default/billing/bad");
		}
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(discovery().get("invalidKeys").asInt()).isZero();
			assertThat(discovery().get("services").has("billing")).isFalse();
			assertThat(instances("billing", "UP")).isZero();
			assertThat(count("discovery.cache.values.skipped")).isEqualTo(skipped + 1);
		});
	}

	private static double count(String meter) {
		Search search = meters.find(meter);
		if (search.functionCounter() != null) {
			return search.functionCounter().count();
		}
		return search.gauge().value();
	}

	private static double timerCount(String outcome) {
		return meters.get("discovery.heartbeats").tag("outcome", outcome).timer().count();
	}

	private static double statusGauge(String status) {
		return meters.get("discovery.registration.status").tag("status", status).gauge().value();
	}

	private static double instances(String service, String status) {
		var gauge = meters.find("discovery.instances").tag("service", service).tag("status", status).gauge();
		return (gauge != null) ? gauge.value() : 0;
	}

	private static JsonNode registeredInstance() throws Exception {
		await().atMost(TIMEOUT).until(() -> "REGISTERED".equals(instance().get("registration").asString()));
		return instance();
	}

	private static JsonNode instance() throws Exception {
		return body("/discovery").get("instance");
	}

	private static JsonNode discovery() throws Exception {
		return body("/discovery").get("discovery");
	}

	private static Instant instant(JsonNode node, String field) {
		return Instant.parse(node.get(field).asString());
	}

	private static JsonNode body(String path) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create(actuator + path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static HttpResponse<String> post(String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(actuator + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		HealthIndicator toggleHealthIndicator() {
			return () -> Health.status(health.get()).build();
		}

	}

}
