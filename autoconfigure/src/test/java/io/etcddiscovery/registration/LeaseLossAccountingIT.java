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
import java.time.Instant;

import io.etcd.jetcd.KeyValue;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every loss is counted once and named by its cause, whichever signal reaches the
 * registrar first: a lease that ends (expired or revoked) is a lease loss even when the
 * own-key watch sees its key's DELETE before the keep-alive stream reports it; "deleted
 * by someone else" only when the lease is still alive.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class LeaseLossAccountingIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String KEY = "/services/default/orders/orders-1";

	private static EtcdInspector inspector;

	private ConfigurableApplicationContext context;

	private InstanceRegistrar registrar;

	@BeforeAll
	static void connect() {
		inspector = new EtcdInspector(etcd.endpoints());
	}

	@AfterAll
	static void disconnect() {
		inspector.close();
	}

	@BeforeEach
	void start() {
		etcd.deleteAllKeys();
		// Renewals every 3s: a revocation right after one is reported by the keep-alive
		// stream seconds after the DELETE reached the own-key watch.
		this.context = TestApplication.run(etcd.endpoints(), "orders", "discovery.instance-id=orders-1",
				"discovery.ttl=9s");
		this.registrar = this.context.getBean(InstanceLifecycle.class).getRegistrar();
		await().atMost(TIMEOUT).until(this::registeredWithLiveLease);
	}

	@AfterEach
	void stop() {
		this.context.close();
	}

	@Test
	void leasesRevokedWhileTheKeepAliveStreamIsQuietAreLeaseLossesNotKeysDeletedBySomeoneElse(CapturedOutput output) {
		for (int loss = 1; loss <= 2; loss++) {
			long lease = revokeRightAfterARenewal();
			await().atMost(TIMEOUT)
				.until(() -> registeredWithLiveLease() && this.registrar.getState().leaseId() != lease);
			assertThat(this.registrar.getLeaseLosses()).isEqualTo(loss);
			assertThat(output).contains("Lease %s of %s was lost (expired or revoked; its key was deleted with it)"
				.formatted(Long.toHexString(lease), KEY));
		}
		assertThat(output).doesNotContain("deleted by someone else");
	}

	@Test
	void keyDeletedWhileItsLeaseLivesIsAKeyLossNotALeaseLoss(CapturedOutput output) {
		long lease = this.registrar.getState().leaseId();
		long created = inspector.key(KEY).getCreateRevision();
		inspector.delete(KEY);
		await().atMost(TIMEOUT)
			.until(() -> registeredWithLiveLease() && inspector.key(KEY).getCreateRevision() > created);
		assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
		assertThat(this.registrar.getLeaseLosses()).isZero();
		assertThat(output).contains("Key %s was lost (deleted by someone else; lease %s is alive): registering again"
			.formatted(KEY, Long.toHexString(lease)));
		assertThat(output).doesNotContain("was lost (expired");
	}

	@Test
	void leaseThatLapsedAndThatEtcdExpiredIsOneLeaseLoss(CapturedOutput output) {
		long lease = this.registrar.getState().leaseId();
		etcd.pause();
		try {
			// No keep-alive reply within the TTL: the lease lapsed, and is kept until
			// etcd
			// says what became of it.
			await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.RETRYING);
			assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
			await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
		}
		finally {
			etcd.resume();
		}
		// etcd, resumed, expires the lease: the renewal or the key's DELETE says so.
		await().atMost(TIMEOUT).until(() -> registeredWithLiveLease() && this.registrar.getState().leaseId() != lease);
		assertThat(this.registrar.getLeaseLosses()).isOne();
		assertThat(output).contains("No keep-alive reply from etcd for lease %s of %s within its TTL"
			.formatted(Long.toHexString(lease), KEY));
		assertThat(output)
			.contains("Lease %s of %s was lost (expired or revoked".formatted(Long.toHexString(lease), KEY));
		assertThat(output).doesNotContain("deleted by someone else");
	}

	private long revokeRightAfterARenewal() {
		Instant renewed = this.registrar.getState().lastRenewal();
		await().atMost(TIMEOUT).until(() -> {
			Instant last = this.registrar.getState().lastRenewal();
			return last != null && !last.equals(renewed);
		});
		long lease = this.registrar.getState().leaseId();
		inspector.revoke(lease);
		return lease;
	}

	private boolean registeredWithLiveLease() {
		RegistrationState state = this.registrar.getState();
		KeyValue kv = inspector.key(KEY);
		return state.phase() == Phase.REGISTERED && kv != null && kv.getLease() == state.leaseId()
				&& inspector.isLeaseAlive(state.leaseId());
	}

}
