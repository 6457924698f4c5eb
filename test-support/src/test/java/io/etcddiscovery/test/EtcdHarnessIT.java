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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the etcd harness against one shared real etcd process.
 *
 * @author etcd-discovery authors
 */
class EtcdHarnessIT {

	private static final Duration RECOVERY = Duration.ofSeconds(20);

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private Client client;

	@BeforeEach
	void connect() {
		this.client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
	}

	@AfterEach
	void disconnect() {
		this.client.close();
	}

	@Test
	void startsOnLoopbackAndServesPutAndGet() throws Exception {
		EtcdMember member = etcd.member(0);
		assertThat(etcd.endpoints()).containsExactly(etcd.endpoint());
		assertThat(etcd.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+").isEqualTo(member.clientEndpoint());
		assertThat(member.isRunning()).isTrue();
		assertThat(member.isHealthy()).isTrue();
		assertThat(member.directory().getFileName().toString()).startsWith("etcd-test-");
		assertThat(member.directory().getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
		assertThat(member.logFile()).isNotEmptyFile();
		put("greeting", "hello");
		assertThat(get("greeting")).isEqualTo("hello");
	}

	@Test
	void killMakesItUnhealthyAndRestartKeepsData() throws Exception {
		put("survivor", "kept");
		EtcdMember member = etcd.member(0);
		long killedPid = member.pid();
		etcd.kill();
		assertThat(member.isRunning()).isFalse();
		assertThat(member.isHealthy()).isFalse();
		assertThat(ProcessHandle.of(killedPid).filter(ProcessHandle::isAlive)).isEmpty();
		etcd.restart();
		assertThat(member.isHealthy()).isTrue();
		assertThat(member.pid()).isNotEqualTo(killedPid);
		await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> assertThat(get("survivor")).isEqualTo("kept"));
	}

	@Test
	void stopAndRestartKeepData() throws Exception {
		put("graceful", "kept");
		etcd.stop();
		assertThat(etcd.member(0).isRunning()).isFalse();
		etcd.restart();
		await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> assertThat(get("graceful")).isEqualTo("kept"));
	}

	@Test
	void wipeAndRestartStartsEmptyOnTheSameEndpoint() throws Exception {
		String endpoint = etcd.endpoint();
		put("doomed", "gone soon");
		etcd.wipeAndRestart();
		assertThat(etcd.endpoint()).isEqualTo(endpoint);
		assertThat(etcd.member(0).isHealthy()).isTrue();
		await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> assertThat(count()).isZero());
	}

	@Test
	void pauseMakesRequestsTimeOutAndResumeMakesThemAnswer() throws Exception {
		put("frozen", "thawed");
		etcd.pause();
		try {
			assertThat(etcd.member(0).isPaused()).isTrue();
			assertThat(etcd.member(0).isRunning()).isTrue();
			assertThatExceptionOfType(TimeoutException.class)
				.isThrownBy(() -> this.client.getKVClient().get(bytes("frozen")).get(500, TimeUnit.MILLISECONDS));
			assertThat(etcd.member(0).isHealthy()).isFalse();
		}
		finally {
			etcd.resume();
		}
		assertThat(etcd.member(0).isPaused()).isFalse();
		await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> assertThat(get("frozen")).isEqualTo("thawed"));
		assertThat(etcd.member(0).isHealthy()).isTrue();
	}

	@Test
	void compactDiscardsHistoryBeforeTheCurrentRevision() throws Exception {
		long oldRevision = put("versioned", "v1");
		long newRevision = put("versioned", "v2");
		assertThat(getAt("versioned", oldRevision)).isEqualTo("v1");
		long compacted = etcd.compact();
		assertThat(compacted).isGreaterThanOrEqualTo(newRevision);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> getAt("versioned", oldRevision))
			.withMessageContaining("compacted");
		assertThat(etcd.compact()).as("compacting again without writes").isEqualTo(compacted);
		assertThat(get("versioned")).isEqualTo("v2");
	}

	@Test
	void deleteAllKeysEmptiesEtcd() throws Exception {
		put("one", "1");
		put("two", "2");
		assertThat(etcd.deleteAllKeys()).isGreaterThanOrEqualTo(2);
		assertThat(count()).isZero();
	}

	@Test
	void singleMemberIsTheLeader() {
		assertThat(etcd.leader()).isSameAs(etcd.member(0));
	}

	@Test
	void ensureRunningResumesAPausedMemberAndStartsAKilledOne() {
		EtcdMember member = etcd.member(0);
		etcd.pause();
		etcd.ensureRunning();
		assertThat(member.isPaused()).isFalse();
		assertThat(member.isHealthy()).isTrue();
		etcd.kill();
		etcd.ensureRunning();
		assertThat(member.isRunning()).isTrue();
		assertThat(member.isHealthy()).isTrue();
	}

	@Test
	void awaitHealthyReportsTheLogTailOfAnUnhealthyMember() {
		EtcdMember member = etcd.member(0);
		etcd.pause();
		try {
			assertThatIllegalStateException().isThrownBy(() -> member.awaitHealthy(Duration.ofMillis(300)))
				.withMessageContaining("did not become healthy within 300 ms (it is paused)")
				.withMessageContaining("Last lines of " + member.logFile())
				.withMessageContaining("\"level\":");
		}
		finally {
			etcd.resume();
		}
	}

	@Test
	void closeLeavesNoProcessAndNoDirectoryBehind() {
		List<Long> pids;
		List<Path> directories;
		try (EtcdCluster cluster = EtcdCluster.singleNode().start()) {
			pids = cluster.members().stream().map(EtcdMember::pid).toList();
			directories = cluster.members().stream().map(EtcdMember::directory).toList();
			assertThat(directories).allSatisfy((directory) -> assertThat(directory).isDirectory());
			assertThat(cluster.clientEndpoint()).isNotEqualTo(etcd.endpoint());
		}
		assertThat(pids)
			.allSatisfy((pid) -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
		assertThat(directories).allSatisfy((directory) -> assertThat(Files.exists(directory)).isFalse());
	}

	private long put(String key, String value) throws Exception {
		return this.client.getKVClient()
			.put(bytes(key), bytes(value))
			.get(5, TimeUnit.SECONDS)
			.getHeader()
			.getRevision();
	}

	private String get(String key) throws Exception {
		List<KeyValue> kvs = this.client.getKVClient().get(bytes(key)).get(2, TimeUnit.SECONDS).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
	}

	private String getAt(String key, long revision) throws Exception {
		GetOption option = GetOption.builder().withRevision(revision).build();
		List<KeyValue> kvs = this.client.getKVClient().get(bytes(key), option).get(2, TimeUnit.SECONDS).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
	}

	private long count() throws Exception {
		ByteSequence zero = ByteSequence.from(new byte[] { 0 });
		GetOption all = GetOption.builder().withRange(zero).withCountOnly(true).build();
		return this.client.getKVClient().get(zero, all).get(2, TimeUnit.SECONDS).getCount();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
