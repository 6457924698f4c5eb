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

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Integration tests for the lifecycle of {@link EtcdExtension}, running fixture test
 * classes with the JUnit engine test kit.
 *
 * @author etcd-discovery authors
 */
class EtcdExtensionIT {

	@BeforeEach
	void clearRecords() {
		SharedEtcdFixture.seen.clear();
		PerTestEtcdFixture.seen.clear();
	}

	@Test
	void staticExtensionSharesOneEtcdRepairsItBetweenTestsAndCleansUpAfterAll() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(SharedEtcdFixture.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(3).succeeded(3));
		List<EtcdMember> seen = SharedEtcdFixture.seen;
		assertThat(seen).hasSize(3);
		assertThat(seen).extracting(EtcdMember::directory).containsOnly(seen.get(0).directory());
		assertNothingLeft(seen);
	}

	@Test
	void instanceExtensionStartsEtcdForEachTest() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(PerTestEtcdFixture.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));
		List<EtcdMember> seen = PerTestEtcdFixture.seen;
		assertThat(seen).hasSize(2);
		assertThat(seen).extracting(EtcdMember::directory).doesNotHaveDuplicates();
		assertNothingLeft(seen);
	}

	private static void assertNothingLeft(List<EtcdMember> members) {
		assertThat(members).allSatisfy((member) -> {
			assertThat(member.isRunning()).isFalse();
			assertThat(ProcessHandle.of(member.pid()).filter(ProcessHandle::isAlive)).isEmpty();
			assertThat(Files.exists(member.directory())).isFalse();
		});
	}

	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	static class SharedEtcdFixture {

		static final List<EtcdMember> seen = new CopyOnWriteArrayList<>();

		@RegisterExtension
		static final EtcdExtension etcd = EtcdExtension.singleNode();

		@Test
		@Order(1)
		void killsEtcd() {
			seen.add(etcd.member(0));
			etcd.kill();
		}

		@Test
		@Order(2)
		void findsEtcdRestartedAndPausesIt() {
			seen.add(etcd.member(0));
			assertThat(etcd.member(0).isHealthy()).isTrue();
			etcd.pause();
		}

		@Nested
		class NestedTests {

			@Test
			void findsEtcdResumed() {
				seen.add(etcd.member(0));
				assertThat(etcd.member(0).isPaused()).isFalse();
				assertThat(etcd.member(0).isHealthy()).isTrue();
			}

		}

	}

	static class PerTestEtcdFixture {

		static final List<EtcdMember> seen = new CopyOnWriteArrayList<>();

		@RegisterExtension
		final EtcdExtension etcd = EtcdExtension.singleNode();

		@Test
		void firstTestGetsItsOwnEtcd() {
			record();
		}

		@Test
		void secondTestGetsItsOwnEtcd() {
			record();
		}

		private void record() {
			EtcdMember member = this.etcd.member(0);
			assertThat(member.isHealthy()).isTrue();
			assertThat(member.dataDirectory()).isDirectory();
			seen.add(member);
		}

	}

}
