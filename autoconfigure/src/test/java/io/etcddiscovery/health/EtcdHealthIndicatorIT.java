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

package io.etcddiscovery.health;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcddiscovery.etcd.EtcdErrors;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.EtcdMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link EtcdHealthIndicator} against a real three-member cluster with authentication on,
 * for users with the least privilege that {@code docs/security.md} recommends: UP
 * whatever the user may read, DOWN once the cluster has lost its quorum, on every etcd
 * line the build tests (etcd 3.5 refuses a member's status to such a user; 3.4 does not).
 *
 * @author etcd-discovery authors
 */
class EtcdHealthIndicatorIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.cluster(3);

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final String NAMESPACE = "/services/default/";

	private static final String ROOT_PASSWORD = "root-pw-51d0aa";

	private static final String PASSWORD = "orders-pw-0b7e42";

	private static String version;

	@BeforeAll
	static void enableAuthentication() throws Exception {
		etcd.enableAuth(ROOT_PASSWORD);
		etcd.addUser("orders", PASSWORD, NAMESPACE);
		etcd.addUser("reporting", PASSWORD, "/reports/");
		try (Client root = client("root", ROOT_PASSWORD, etcd.endpoints())) {
			version = root.getMaintenanceClient().statusMember(etcd.endpoint()).get(10, TimeUnit.SECONDS).getVersion();
		}
	}

	@AfterEach
	void restoreQuorum() {
		etcd.members().forEach((member) -> {
			if (!member.isRunning()) {
				member.start();
			}
		});
		etcd.awaitHealthy(Duration.ofSeconds(30));
	}

	@Test
	void isUpForAUserWhoseRoleGrantsOnlyItsNamespaceWhetherOrNotEtcdRefusesItTheStatusOfAMember() throws Exception {
		try (Client orders = client("orders", PASSWORD, etcd.endpoints())) {
			// What etcd itself answers that user.
			CompletableFuture<StatusResponse> status = orders.getMaintenanceClient().statusMember(etcd.endpoint());
			boolean refused = refusesStatusToNonAdmins(version, status);
			if (refused) {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> status.get(10, TimeUnit.SECONDS))
					.satisfies(
							(ex) -> assertThat(EtcdErrors.isPermissionDenied(ex)).as(EtcdErrors.describe(ex)).isTrue());
			}
			else {
				assertThat(status.get(10, TimeUnit.SECONDS).getVersion()).isEqualTo(version);
			}
			Health health = indicator(orders).health();
			assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
			Map<String, Object> details = health.getDetails();
			assertThat(details).containsEntry("checked", "linearizable read of " + NAMESPACE)
				.containsEntry("quorum", "confirmed");
			if (refused) {
				assertThat(details).containsEntry("status", EtcdHealthIndicator.STATUS_NOT_PERMITTED)
					.doesNotContainKeys("leader", "version");
			}
			else {
				assertThat(details).containsEntry("version", version)
					.containsEntry("members", 3)
					.containsKeys("leader", "clusterId")
					.doesNotContainKey("status");
			}
		}
	}

	@Test
	void isUpForAUserThatMayNotReadTheNamespace() throws Exception {
		try (Client reporting = client("reporting", PASSWORD, etcd.endpoints())) {
			Health health = indicator(reporting).health();
			assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
			assertThat((String) health.getDetails().get("quorum")).startsWith("confirmed (the read was refused");
		}
	}

	@Test
	void isUpWithLeaderAndVersionForTheRootUser() throws Exception {
		try (Client root = client("root", ROOT_PASSWORD, etcd.endpoints())) {
			Health health = indicator(root).health();
			assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("version", version)
				.containsEntry("quorum", "confirmed")
				.containsKey("leader");
		}
	}

	@Test
	void isDownWhenTheClusterLostItsQuorumEvenForAUserWhoseReadWouldBeRefused() throws Exception {
		EtcdMember survivor = etcd.member(0);
		List<String> endpoint = List.of(survivor.clientEndpoint());
		try (Client orders = client("orders", PASSWORD, endpoint);
				Client reporting = client("reporting", PASSWORD, endpoint)) {
			EtcdHealthIndicator ordersHealth = indicator(orders);
			EtcdHealthIndicator reportingHealth = indicator(reporting);
			assertThat(ordersHealth.health().getStatus()).isEqualTo(Status.UP);
			assertThat(reportingHealth.health().getStatus()).isEqualTo(Status.UP);
			etcd.member(1).stop();
			etcd.member(2).stop();
			// The survivor answers, but cannot confirm a read with a quorum: no answer
			// for
			// either user, not the refusal.
			await().atMost(Duration.ofSeconds(20)).until(() -> ordersHealth.health().getStatus() == Status.DOWN);
			Health down = reportingHealth.health();
			assertThat(down.getStatus()).as(down.toString()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails()).containsEntry("checked", "linearizable read of " + NAMESPACE)
				.containsKey("error");
			etcd.member(1).start();
			etcd.member(2).start();
			await().atMost(Duration.ofSeconds(30)).until(() -> ordersHealth.health().getStatus() == Status.UP);
			await().atMost(Duration.ofSeconds(30)).until(() -> reportingHealth.health().getStatus() == Status.UP);
		}
	}

	/*
	 * etcd 3.5.28 requires the root role for every maintenance call once authentication
	 * is on (CVE-2026-33413; etcd-io/etcd#21663); 3.4 and earlier 3.5 releases do not.
	 * Other lines (3.6 refused it from 3.6.0, etcd-io/etcd#14663, and etcd-io/etcd#21666
	 * allows it again) are judged by what etcd answers.
	 */
	private static boolean refusesStatusToNonAdmins(String version, CompletableFuture<StatusResponse> status) {
		String[] parts = version.split("[.-]");
		int major = Integer.parseInt(parts[0]);
		int minor = Integer.parseInt(parts[1]);
		int patch = Integer.parseInt(parts[2]);
		if (major == 3 && minor <= 5) {
			return minor == 5 && patch >= 28;
		}
		return status.handle((answer, failure) -> failure != null).join();
	}

	private static EtcdHealthIndicator indicator(Client client) {
		return new EtcdHealthIndicator(client, etcd.endpoints(), NAMESPACE, TIMEOUT);
	}

	private static Client client(String user, String password, List<String> endpoints) {
		return Client.builder()
			.endpoints(endpoints.toArray(String[]::new))
			.user(ByteSequence.from(user, StandardCharsets.UTF_8))
			.password(ByteSequence.from(password, StandardCharsets.UTF_8))
			.build();
	}

}
