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

package io.etcddiscovery.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the etcd harness against one shared real three-member cluster.
 *
 * @author etcd-discovery authors
 */
class EtcdClusterIT {

	private static final Duration RECOVERY = Duration.ofSeconds(20);

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.cluster(3);

	@Test
	void membersFormOneClusterWithOneLeader() {
		List<EtcdMember> members = etcd.members();
		assertThat(members).hasSize(3).allSatisfy((member) -> assertThat(member.isHealthy()).isTrue());
		assertThat(etcd.endpoints()).hasSize(3).doesNotHaveDuplicates();
		assertThat(members).extracting(EtcdMember::peerEndpoint).doesNotHaveDuplicates();
		assertThat(members).contains(etcd.leader());
	}

	@Test
	void acceptsWritesWhileTheLeaderIsDownAndTheRestartedLeaderCatchesUp() throws Exception {
		EtcdMember leader = etcd.leader();
		String[] followers = etcd.members()
			.stream()
			.filter((member) -> member != leader)
			.map(EtcdMember::clientEndpoint)
			.toArray(String[]::new);
		leader.kill();
		assertThat(leader.isHealthy()).isFalse();
		try (Client client = Client.builder().endpoints(followers).build()) {
			await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> put(client, "written", "without leader"));
			assertThat(etcd.leader()).isNotSameAs(leader);
		}
		leader.restart();
		assertThat(leader.isHealthy()).isTrue();
		try (Client client = Client.builder().endpoints(leader.clientEndpoint()).build()) {
			await().atMost(RECOVERY)
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(get(client, "written")).isEqualTo("without leader"));
		}
	}

	@Test
	void ensureRunningRestoresQuorumAfterMembersAreKilledAndPaused() {
		etcd.member(1).kill();
		etcd.member(2).pause();
		await().atMost(RECOVERY).until(() -> !etcd.member(0).isHealthy());
		etcd.ensureRunning();
		assertThat(etcd.members()).allSatisfy((member) -> {
			assertThat(member.isPaused()).isFalse();
			assertThat(member.isHealthy()).isTrue();
		});
	}

	@Test
	void wipeAndRestartStartsAnEmptyClusterOnTheSameEndpoints() throws Exception {
		List<String> endpoints = etcd.endpoints();
		try (Client client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build()) {
			put(client, "doomed", "gone soon");
		}
		etcd.wipeAndRestart();
		assertThat(etcd.endpoints()).isEqualTo(endpoints);
		try (Client client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build()) {
			await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> assertThat(get(client, "doomed")).isNull());
		}
	}

	@Test
	void singleNodeOperationsAreRejected() {
		assertThatIllegalStateException().isThrownBy(etcd::kill)
			.withMessage("Cannot kill a cluster of 3 members as a whole: use member(int) or leader()");
	}

	private static void put(Client client, String key, String value) throws Exception {
		client.getKVClient().put(bytes(key), bytes(value)).get(2, TimeUnit.SECONDS);
	}

	private static String get(Client client, String key) throws Exception {
		List<KeyValue> kvs = client.getKVClient().get(bytes(key)).get(2, TimeUnit.SECONDS).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
