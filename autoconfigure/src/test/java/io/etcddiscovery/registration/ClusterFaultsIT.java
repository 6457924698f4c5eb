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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.EtcdMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registration against a real 3-member etcd cluster while members die, lose quorum, are
 * paused (a partition as the instance sees it) or are merely slow.
 *
 * @author etcd-discovery authors
 */
class ClusterFaultsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.cluster(3);

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String PREFIX = "/services/default/orders/";

	private EtcdInspector inspector;

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private final List<WatchEvent> deletes = new CopyOnWriteArrayList<>();

	private Watch.Watcher watcher;

	@BeforeEach
	void connect() {
		this.inspector = new EtcdInspector(etcd.endpoints());
		this.inspector.client()
			.getKVClient()
			.delete(bytes("/"), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build())
			.join();
		// From a revision: the watch stream is created asynchronously, and a delete
		// before it exists would otherwise go unseen.
		long from = this.inspector.revision() + 1;
		this.watcher = this.inspector.client()
			.getWatchClient()
			.watch(bytes(PREFIX), WatchOption.builder().isPrefix(true).withRevision(from).build(),
					(response) -> response.getEvents()
						.stream()
						.filter((event) -> event.getEventType() == WatchEvent.EventType.DELETE)
						.forEach(this.deletes::add));
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.watcher.close();
		this.inspector.close();
	}

	@Test
	void registrationsSurviveALeaderChangeWithoutAGap() {
		InstanceRegistrar first = start("orders-1", etcd.endpoints());
		InstanceRegistrar second = start("orders-2", etcd.endpoints());
		await().atMost(TIMEOUT).until(() -> registered(first, second));
		Set<Long> created = keys().stream().map(KeyValue::getCreateRevision).collect(Collectors.toSet());
		EtcdMember leader = etcd.leader();
		leader.kill();
		// Over more than two TTLs the keys are never deleted and never re-created.
		await().during(Duration.ofSeconds(8)).atMost(TIMEOUT).until(() -> this.deletes.isEmpty());
		await().atMost(TIMEOUT).until(() -> registered(first, second));
		assertThat(keys().stream().map(KeyValue::getCreateRevision).collect(Collectors.toSet())).isEqualTo(created);
		leader.start();
		etcd.awaitHealthy(TIMEOUT);
		assertThat(this.deletes).isEmpty();
	}

	@Test
	void quorumLossDeletesNothingAndEveryInstanceIsRegisteredAfterRecovery() {
		InstanceRegistrar first = start("orders-1", etcd.endpoints());
		InstanceRegistrar second = start("orders-2", etcd.endpoints());
		await().atMost(TIMEOUT).until(() -> registered(first, second));
		EtcdMember leader = etcd.leader();
		EtcdMember other = follower(leader);
		leader.kill();
		other.kill();
		// No quorum for longer than the TTL: jetcd gives the leases up, nothing can be
		// written.
		await().atMost(TIMEOUT).until(() -> first.getState().leaseId() == 0 && second.getState().leaseId() == 0);
		assertThat(this.deletes).isEmpty();
		leader.start();
		other.start();
		etcd.awaitHealthy(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> registered(first, second));
		assertThat(keys()).hasSize(2);
	}

	@Test
	void instanceCutOffLongerThanTheTtlRegistersAgainAfterTheHeal() {
		EtcdMember leader = etcd.leader();
		EtcdMember member = follower(leader);
		InstanceRegistrar cutOff = start("orders-1", List.of(member.clientEndpoint()));
		InstanceRegistrar healthy = start("orders-2", List.of(leader.clientEndpoint()));
		// Look from the side of the cluster that keeps quorum.
		this.inspector.close();
		this.inspector = new EtcdInspector(List.of(leader.clientEndpoint()));
		await().atMost(TIMEOUT).until(() -> registered(cutOff, healthy));
		long lease = cutOff.getState().leaseId();
		member.pause();
		try {
			// The rest of the cluster has quorum: the cut-off instance's lease expires
			// there.
			await().atMost(TIMEOUT).until(() -> this.inspector.key(PREFIX + "orders-1") == null);
			await().atMost(TIMEOUT).until(() -> cutOff.getState().leaseId() == 0);
		}
		finally {
			member.resume();
		}
		await().atMost(TIMEOUT).until(() -> registered(cutOff, healthy) && cutOff.getState().leaseId() != lease);
		assertThat(keys()).extracting((kv) -> kv.getKey().toString(StandardCharsets.UTF_8))
			.containsExactlyInAnyOrder(PREFIX + "orders-1", PREFIX + "orders-2");
		// Counted where it happened, and only there.
		assertThat(cutOff.getLeaseLosses()).isPositive();
		assertThat(cutOff.getReRegistrations()).isPositive();
		assertThat(healthy.getLeaseLosses()).isZero();
		assertThat(healthy.getReRegistrations()).isZero();
	}

	@Test
	void slowEtcdShorterThanTheTtlCausesNoReRegistrationAndNoThreadGrowth() {
		EtcdMember leader = etcd.leader();
		EtcdMember member = follower(leader);
		InstanceRegistrar registrar = start("orders-1", List.of(member.clientEndpoint()), "discovery.ttl=10s");
		this.inspector.close();
		this.inspector = new EtcdInspector(List.of(leader.clientEndpoint()));
		await().atMost(TIMEOUT).until(() -> registered(registrar));
		long lease = registrar.getState().leaseId();
		await().atMost(TIMEOUT).until(() -> registrar.getState().lastRenewal() != null);
		int threads = libraryThreads();
		member.pause();
		try {
			// Renewals (every ttl/3) are overdue by half the TTL, yet the TTL has not
			// passed.
			await().atMost(TIMEOUT)
				.until(() -> Duration.between(registrar.getState().lastRenewal(), java.time.Instant.now())
					.compareTo(Duration.ofSeconds(5)) > 0);
		}
		finally {
			member.resume();
		}
		await().during(Duration.ofSeconds(5))
			.atMost(TIMEOUT)
			.until(() -> registrar.getState().leaseId() == lease && registrar.getState().phase() == Phase.REGISTERED);
		assertThat(registrar.getLeaseLosses()).isZero();
		assertThat(registrar.getReRegistrations()).isZero();
		assertThat(libraryThreads()).isLessThanOrEqualTo(threads);
		assertThat(this.deletes).isEmpty();
	}

	private static EtcdMember follower(EtcdMember leader) {
		return etcd.members().stream().filter((member) -> member != leader).findFirst().orElseThrow();
	}

	private InstanceRegistrar start(String instanceId, List<String> endpoints, String... properties) {
		List<String> all = new java.util.ArrayList<>(List.of("discovery.instance-id=" + instanceId, "discovery.ttl=3s",
				"discovery.etcd.request-timeout=1s"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = TestApplication.run(endpoints, "orders", all.toArray(String[]::new));
		this.contexts.add(context);
		return context.getBean(RegistrationLifecycle.class).getRegistrar();
	}

	private boolean registered(InstanceRegistrar... registrars) {
		try {
			for (InstanceRegistrar registrar : registrars) {
				RegistrationState state = registrar.getState();
				KeyValue kv = (state.key() != null) ? this.inspector.key(state.key()) : null;
				if (state.phase() != Phase.REGISTERED || kv == null || kv.getLease() != state.leaseId()
						|| !this.inspector.isLeaseAlive(state.leaseId())) {
					return false;
				}
			}
			return keys().size() == registrars.length;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	private List<KeyValue> keys() {
		return this.inspector.keys(PREFIX);
	}

	private static int libraryThreads() {
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("etcd-discovery-"))
			.count();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
