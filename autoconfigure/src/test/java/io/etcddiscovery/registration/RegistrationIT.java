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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.KeyValue;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Registration against a real etcd: when, how, and what happens when someone else touches
 * the key or the lease.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class RegistrationIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static EtcdInspector inspector;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void connect() {
		inspector = new EtcdInspector(etcd.endpoints());
	}

	@AfterAll
	static void disconnect() {
		inspector.close();
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void registersWhenReadyInEtcdsNamingFormat() {
		AtomicReference<List<KeyValue>> keysSeenByRunner = new AtomicReference<>();
		ConfigurableApplicationContext context = start(TestApplication
			.builder(etcd.endpoints(), "orders", "discovery.instance-id=orders-1", "discovery.metadata.zone=eu-1")
			.initializers((app) -> app.getBeanFactory()
				.registerSingleton("probe",
						(ApplicationRunner) (args) -> keysSeenByRunner.set(inspector.keys("/services/")))));
		String key = "/services/default/orders/orders-1";
		await().atMost(TIMEOUT).until(() -> inspector.key(key) != null);
		assertThat(keysSeenByRunner.get()).as("keys while runners ran").isEmpty();
		KeyValue kv = inspector.key(key);
		RegistrationState state = registrar(context).getState();
		assertThat(state.phase()).isEqualTo(RegistrationState.Phase.REGISTERED);
		assertThat(state.key()).isEqualTo(key);
		assertThat(kv.getLease()).isNotZero().isEqualTo(state.leaseId());
		assertThat(inspector.leaseTtl(kv.getLease())).isBetween(1L, 2L);
		JsonNode value = JsonMapper.builder().build().readTree(inspector.value(key));
		assertThat(value.propertyNames()).containsExactly("Op", "Addr", "Metadata", "Instance");
		assertThat(value.get("Op").asInt()).isZero();
		assertThat(value.get("Addr").asString()).isEqualTo("127.0.0.1:8080");
		assertThat(value.get("Metadata").isNull()).as("nothing a Go balancer could choke on").isTrue();
		JsonNode metadata = value.get("Instance");
		assertThat(metadata.get("service").asString()).isEqualTo("orders");
		assertThat(metadata.get("instanceId").asString()).isEqualTo("orders-1");
		assertThat(metadata.get("namespace").asString()).isEqualTo("default");
		assertThat(metadata.get("host").asString()).isEqualTo("127.0.0.1");
		assertThat(metadata.get("port").asInt()).isEqualTo(8080);
		assertThat(metadata.get("secure").asBoolean()).isFalse();
		assertThat(metadata.get("status").asString()).isEqualTo("UP");
		assertThat(metadata.get("metadata").get("zone").asString()).isEqualTo("eu-1");
		assertThat(metadata.get("registeredAt").asString()).isNotBlank();
	}

	@Test
	void generatesAnInstanceIdFromServiceHostPortAndARandomPart() {
		ConfigurableApplicationContext context = start(TestApplication.builder(etcd.endpoints(), "billing"));
		await().atMost(TIMEOUT).until(() -> inspector.keys("/services/default/billing/").size() == 1);
		String key = inspector.keys("/services/default/billing/").get(0).getKey().toString();
		assertThat(key).matches("/services/default/billing/billing-[a-z0-9._-]+-8080-[0-9a-f]{4}");
		assertThat(registrar(context).getState().key()).isEqualTo(key);
	}

	@Test
	void keepsTheLeaseAliveOnTheKeepAliveStream() {
		ConfigurableApplicationContext context = start(
				TestApplication.builder(etcd.endpoints(), "orders", "discovery.instance-id=orders-1"));
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().leaseId() != 0);
		long lease = registrar(context).getState().leaseId();
		// Three TTLs of 2s: the lease would have expired without renewals.
		await().during(Duration.ofSeconds(6))
			.atMost(Duration.ofSeconds(12))
			.until(() -> isRegisteredWithLease("/services/default/orders/orders-1", lease));
		assertThat(registrar(context).getState().lastRenewal()).isNotNull();
	}

	@Test
	void reRegistersAfterTheLeaseIsRevokedBySomeoneElse() {
		ConfigurableApplicationContext context = start(
				TestApplication.builder(etcd.endpoints(), "orders", "discovery.instance-id=orders-1"));
		String key = "/services/default/orders/orders-1";
		await().atMost(TIMEOUT).until(() -> inspector.key(key) != null);
		long lease = inspector.key(key).getLease();
		inspector.revoke(lease);
		await().atMost(TIMEOUT).until(() -> {
			KeyValue kv = inspector.key(key);
			return kv != null && kv.getLease() != lease && inspector.isLeaseAlive(kv.getLease());
		});
		assertThat(inspector.keys("/services/default/orders/")).hasSize(1);
		assertThat(registrar(context).getState().leaseId()).isEqualTo(inspector.key(key).getLease());
	}

	@Test
	void reRegistersAfterTheKeyIsDeletedBySomeoneElse() {
		ConfigurableApplicationContext context = start(
				TestApplication.builder(etcd.endpoints(), "orders", "discovery.instance-id=orders-1"));
		String key = "/services/default/orders/orders-1";
		await().atMost(TIMEOUT).until(() -> inspector.key(key) != null);
		long lease = inspector.key(key).getLease();
		long created = inspector.key(key).getCreateRevision();
		inspector.delete(key);
		await().atMost(TIMEOUT).until(() -> {
			KeyValue kv = inspector.key(key);
			return kv != null && kv.getCreateRevision() > created;
		});
		assertThat(inspector.key(key).getLease()).as("same lease, still alive").isEqualTo(lease);
		assertThat(registrar(context).getState().phase()).isEqualTo(RegistrationState.Phase.REGISTERED);
	}

	@Test
	void waitsForAnotherProcessesKeyInsteadOfOverwritingIt(CapturedOutput output) {
		String key = "/services/default/orders/orders-1";
		long otherLease = inspector.grant(60);
		String otherValue = "{\"Op\":0,\"Addr\":\"10.9.9.9:9\",\"Metadata\":{}}";
		inspector.put(key, otherValue, otherLease);
		ConfigurableApplicationContext context = start(
				TestApplication.builder(etcd.endpoints(), "orders", "discovery.instance-id=orders-1"));
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().phase() == RegistrationState.Phase.CONFLICT);
		assertThat(inspector.value(key)).isEqualTo(otherValue);
		assertThat(inspector.key(key).getLease()).isEqualTo(otherLease);
		assertThat(registrar(context).getState().lastError()).contains("another process");
		assertThat(output).contains("Waiting for that key to expire or be withdrawn, retrying in ");
		inspector.revoke(otherLease);
		await().atMost(TIMEOUT).until(() -> {
			KeyValue kv = inspector.key(key);
			return kv != null && kv.getLease() == registrar(context).getState().leaseId();
		});
		// The key is in etcd a moment before the registrar logs it: wait for the line.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(output).containsPattern(
					"Registered " + key + " with lease [0-9a-f]+ \\(ttl 2s\\) after \\d+ failed attempts?"));
	}

	@Test
	void failFastRefusesToStartWhenAnotherProcessHoldsTheKey() {
		String key = "/services/default/orders/orders-1";
		long otherLease = inspector.grant(60);
		inspector.put(key, "{\"Op\":0,\"Addr\":\"10.9.9.9:9\"}", otherLease);
		SpringApplicationBuilder builder = TestApplication.builder(etcd.endpoints(), "orders",
				"discovery.instance-id=orders-1", "discovery.fail-fast=true");
		assertThatThrownBy(builder::run).isInstanceOfSatisfying(InstanceIdConflictException.class,
				(ex) -> assertThat(analyze(ex).getAction()).contains("discovery.instance-id"));
		assertThat(inspector.key(key).getLease()).isEqualTo(otherLease);
		assertThat(inspector.keys("/services/")).hasSize(1);
		inspector.revoke(otherLease);
	}

	@Test
	void startsWhileEtcdIsDownAndRegistersWhenItAnswers() {
		etcd.stop();
		ConfigurableApplicationContext context = start(
				TestApplication.builder(etcd.endpoints(), "orders", "discovery.instance-id=orders-1"));
		assertThat(context.isActive()).isTrue();
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().phase() == RegistrationState.Phase.RETRYING);
		assertThat(registrar(context).getState().consecutiveFailures()).isPositive();
		etcd.restart();
		// The key is in etcd a moment before the registrar publishes REGISTERED (it
		// watches the key first): wait for the state, then check the key against it.
		await().atMost(TIMEOUT)
			.until(() -> registrar(context).getState().phase() == RegistrationState.Phase.REGISTERED);
		assertThat(inspector.key("/services/default/orders/orders-1").getLease())
			.isEqualTo(registrar(context).getState().leaseId());
	}

	@Test
	void failFastFailsStartUpWhenEtcdIsDown() {
		etcd.stop();
		SpringApplicationBuilder builder = TestApplication.builder(etcd.endpoints(), "orders",
				"discovery.instance-id=orders-1", "discovery.fail-fast=true");
		assertThatThrownBy(builder::run).isInstanceOfSatisfying(RegistrationException.class, (ex) -> {
			FailureAnalysis analysis = analyze(ex);
			assertThat(analysis.getDescription()).contains("Could not register").contains(etcd.endpoint());
			assertThat(analysis.getAction()).contains("discovery.fail-fast=false");
		});
	}

	@Test
	void deregistersOnCloseBeforeRevokingTheLease(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = start(TestApplication.builder(etcd.endpoints(), "orders",
				"discovery.instance-id=orders-1", "discovery.shutdown.drain-delay=3s"));
		String key = "/services/default/orders/orders-1";
		await().atMost(TIMEOUT).until(() -> inspector.key(key) != null);
		long lease = inspector.key(key).getLease();
		InstanceRegistrar registrar = registrar(context);
		Thread closer = new Thread(context::close, "test-closer");
		closer.start();
		// During the drain delay the key is parked, out of service, and the lease still
		// lives.
		await().atMost(TIMEOUT).until(() -> inspector.key(key) == null);
		assertThat(inspector.key("/services/default/~parked/orders/orders-1")).isNotNull();
		assertThat(inspector.isLeaseAlive(lease)).as("lease alive while draining").isTrue();
		await().atMost(TIMEOUT).until(() -> !inspector.isLeaseAlive(lease));
		closer.join(TIMEOUT.toMillis());
		assertThat(closer.isAlive()).isFalse();
		assertThat(registrar.getState().phase()).isEqualTo(RegistrationState.Phase.DEREGISTERED);
		assertThat(output).contains(
				"Deregistered " + key + ": key moved to /services/default/~parked/orders/orders-1 as OUT_OF_SERVICE, "
						+ "drained 3s, lease " + Long.toHexString(lease) + " revoked with the parked key");
	}

	@Test
	void stoppingTwiceIsANoOp() {
		ConfigurableApplicationContext context = start(
				TestApplication.builder(etcd.endpoints(), "orders", "discovery.instance-id=orders-1"));
		await().atMost(TIMEOUT).until(() -> inspector.key("/services/default/orders/orders-1") != null);
		InstanceLifecycle lifecycle = context.getBean(InstanceLifecycle.class);
		lifecycle.stop();
		assertThat(inspector.key("/services/default/orders/orders-1")).isNull();
		lifecycle.stop();
		context.close();
		assertThat(lifecycle.getRegistrar().getState().phase()).isEqualTo(RegistrationState.Phase.DEREGISTERED);
	}

	@Test
	void onlyTheRootContextRegistersAndDeregisters() {
		SpringApplicationBuilder parent = TestApplication.builder(etcd.endpoints(), "orders",
				"discovery.instance-id=orders-1");
		ConfigurableApplicationContext root = start(parent);
		ConfigurableApplicationContext child = parent.child(ChildConfiguration.class)
			.web(org.springframework.boot.WebApplicationType.NONE)
			.run();
		String key = "/services/default/orders/orders-1";
		await().atMost(TIMEOUT).until(() -> inspector.key(key) != null);
		assertThat(inspector.keys("/services/")).hasSize(1);
		assertThat(child.getBeanProvider(InstanceLifecycle.class).stream()).hasSize(1);
		child.close();
		assertThat(inspector.key(key)).as("still registered after the child closed").isNotNull();
		root.close();
		assertThat(inspector.key(key)).isNull();
	}

	private boolean isRegisteredWithLease(String key, long lease) {
		KeyValue kv = inspector.key(key);
		return kv != null && kv.getLease() == lease;
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.run();
		this.contexts.add(context);
		return context;
	}

	private static InstanceRegistrar registrar(ConfigurableApplicationContext context) {
		return context.getBean(InstanceLifecycle.class).getRegistrar();
	}

	private static FailureAnalysis analyze(Throwable failure) {
		MockEnvironment environment = new MockEnvironment().withProperty("discovery.etcd.endpoints",
				String.join(",", etcd.endpoints()));
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, environment),
					FailureHandler.handleMessage((message, loadFailure) -> {
						// Analyzers that need more than an Environment are not the ones
						// under test.
					}));
		return analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(java.util.Objects::nonNull)
			.findFirst()
			.orElseThrow();
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	@org.springframework.boot.autoconfigure.EnableAutoConfiguration
	static class ChildConfiguration {

	}

}
