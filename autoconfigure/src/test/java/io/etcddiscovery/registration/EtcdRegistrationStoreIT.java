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
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.etcddiscovery.etcd.EtcdCallException;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.etcd.layout.KitexCodec;
import io.etcddiscovery.etcd.layout.Layout;
import io.etcddiscovery.etcd.layout.LayoutPublisher;
import io.etcddiscovery.etcd.layout.PlainCodec;
import io.etcddiscovery.registration.RegistrationStore.GrantedLease;
import io.etcddiscovery.registration.RegistrationStore.RegisteredKey;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The conditioned puts and deletes of {@link RegistrationStore} against a real etcd: a
 * stale process never overwrites or removes its replacement.
 *
 * @author etcd-discovery authors
 */
class EtcdRegistrationStoreIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final String KEY = "/services/default/orders/orders-1";

	private static final String PARKED = "/services/default/~parked/orders/orders-1";

	private static EtcdInspector inspector;

	private static Client client;

	private static RegistrationStore registry;

	@BeforeAll
	static void connect() {
		inspector = new EtcdInspector(etcd.endpoints());
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
		registry = new EtcdRegistrationStore(client, Duration.ofSeconds(5));
	}

	@AfterAll
	static void disconnect() {
		client.close();
		inspector.close();
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
	}

	@Test
	void grantReturnsTheTtlEtcdChose() {
		GrantedLease lease = registry.grant(Duration.ofMillis(2500));
		assertThat(lease.ttlSeconds()).isEqualTo(3);
		assertThat(inspector.isLeaseAlive(lease.id())).isTrue();
		registry.revoke(lease.id());
		assertThat(inspector.isLeaseAlive(lease.id())).isFalse();
	}

	@Test
	void registerCreatesTheKeyBoundToTheLeaseAndReadsItBack() {
		GrantedLease lease = registry.grant(Duration.ofSeconds(10));
		RegisteredKey key = registry.register(KEY, PARKED, bytes("one"), lease.id(), (kv) -> false);
		assertThat(key.leaseId()).isEqualTo(lease.id());
		assertThat(new String(key.value(), StandardCharsets.UTF_8)).isEqualTo("one");
		assertThat(inspector.key(KEY).getCreateRevision()).isEqualTo(key.createRevision());
		assertThat(registry.register(KEY, PARKED, bytes("one"), lease.id(), (kv) -> false).createRevision())
			.as("registering again is idempotent")
			.isEqualTo(key.createRevision());
	}

	@Test
	void registerRefusesAKeyHeldByAnotherProcess() {
		long other = inspector.grant(30);
		inspector.put(KEY, "theirs", other);
		GrantedLease mine = registry.grant(Duration.ofSeconds(10));
		assertThatExceptionOfType(InstanceIdConflictException.class)
			.isThrownBy(() -> registry.register(KEY, PARKED, bytes("mine"), mine.id(), (kv) -> false))
			.satisfies((ex) -> assertThat(ex.getOtherLeaseId()).isEqualTo(other));
		assertThat(inspector.value(KEY)).isEqualTo("theirs");
	}

	@Test
	void registerTakesOverItsOwnKeyFromALostLease() {
		GrantedLease old = registry.grant(Duration.ofSeconds(30));
		RegisteredKey first = registry.register(KEY, PARKED, bytes("v1"), old.id(), (kv) -> false);
		GrantedLease renewed = registry.grant(Duration.ofSeconds(30));
		RegisteredKey second = registry.register(KEY, PARKED, bytes("v2"), renewed.id(),
				(kv) -> kv.leaseId() == old.id());
		assertThat(second.createRevision()).isEqualTo(first.createRevision());
		assertThat(inspector.key(KEY).getLease()).isEqualTo(renewed.id());
		registry.revoke(old.id());
		assertThat(inspector.value(KEY)).as("revoking the old lease keeps the re-bound key").isEqualTo("v2");
	}

	@Test
	void staleProcessCannotUpdateOrWithdrawItsReplacement() {
		GrantedLease stale = registry.grant(Duration.ofSeconds(30));
		RegisteredKey staleKey = registry.register(KEY, PARKED, bytes("stale"), stale.id(), (kv) -> false);
		// The stale process's key is removed (expired, say) and a replacement registers.
		inspector.delete(KEY);
		long replacement = inspector.grant(30);
		inspector.put(KEY, "replacement", replacement);
		assertThat(registry.update(KEY, bytes("stale-update"), stale.id(), staleKey.createRevision())).isFalse();
		assertThat(registry.withdraw(KEY, staleKey.createRevision())).isFalse();
		assertThat(inspector.value(KEY)).isEqualTo("replacement");
		assertThat(inspector.key(KEY).getLease()).isEqualTo(replacement);
	}

	@Test
	void ownerCanUpdateAndWithdrawItsKey() {
		GrantedLease lease = registry.grant(Duration.ofSeconds(30));
		RegisteredKey key = registry.register(KEY, PARKED, bytes("v1"), lease.id(), (kv) -> false);
		assertThat(registry.update(KEY, bytes("v2"), lease.id(), key.createRevision())).isTrue();
		assertThat(inspector.value(KEY)).isEqualTo("v2");
		assertThat(inspector.key(KEY).getLease()).isEqualTo(lease.id());
		assertThat(registry.withdraw(KEY, key.createRevision())).isTrue();
		assertThat(inspector.key(KEY)).isNull();
	}

	@Test
	void registerRefusesWhenTheOtherKeyIsHeldByAnotherProcess() {
		long other = inspector.grant(30);
		inspector.put(PARKED, "theirs, parked", other);
		GrantedLease mine = registry.grant(Duration.ofSeconds(10));
		assertThatExceptionOfType(InstanceIdConflictException.class)
			.isThrownBy(() -> registry.register(KEY, PARKED, bytes("mine"), mine.id(), (kv) -> false))
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo(PARKED))
			.satisfies((ex) -> assertThat(ex.getOtherLeaseId()).isEqualTo(other));
		assertThat(inspector.key(KEY)).isNull();
		assertThat(inspector.value(PARKED)).isEqualTo("theirs, parked");
	}

	@Test
	void registerDeletesItsOwnCopyUnderTheOtherKey() {
		GrantedLease old = registry.grant(Duration.ofSeconds(30));
		registry.register(PARKED, KEY, bytes("down"), old.id(), (kv) -> false);
		// The lease was lost while the instance was parked; it is UP when it registers
		// again.
		GrantedLease renewed = registry.grant(Duration.ofSeconds(30));
		RegisteredKey key = registry.register(KEY, PARKED, bytes("up"), renewed.id(), (kv) -> kv.leaseId() == old.id());
		assertThat(key.leaseId()).isEqualTo(renewed.id());
		assertThat(inspector.value(KEY)).isEqualTo("up");
		assertThat(inspector.key(PARKED)).isNull();
	}

	@Test
	void moveReplacesTheKeyInOneRevisionKeepingTheLease() {
		GrantedLease lease = registry.grant(Duration.ofSeconds(30));
		RegisteredKey up = registry.register(KEY, PARKED, bytes("up"), lease.id(), (kv) -> false);
		RegisteredKey parked = registry.move(KEY, PARKED, bytes("down"), lease.id(), up.createRevision());
		assertThat(parked).isNotNull();
		assertThat(inspector.key(KEY)).isNull();
		assertThat(inspector.value(PARKED)).isEqualTo("down");
		assertThat(inspector.key(PARKED).getLease()).isEqualTo(lease.id());
		assertThat(inspector.key(PARKED).getCreateRevision()).isEqualTo(parked.createRevision());
		assertThat(parked.revision()).isEqualTo(parked.createRevision());
		RegisteredKey back = registry.move(PARKED, KEY, bytes("up again"), lease.id(), parked.createRevision());
		assertThat(inspector.value(KEY)).isEqualTo("up again");
		assertThat(inspector.key(KEY).getCreateRevision()).isEqualTo(back.createRevision());
		assertThat(inspector.key(PARKED)).isNull();
	}

	@Test
	void staleProcessCannotMoveItsReplacement() {
		GrantedLease stale = registry.grant(Duration.ofSeconds(30));
		RegisteredKey staleKey = registry.register(KEY, PARKED, bytes("stale"), stale.id(), (kv) -> false);
		inspector.delete(KEY);
		long replacement = inspector.grant(30);
		inspector.put(KEY, "replacement", replacement);
		assertThat(registry.move(KEY, PARKED, bytes("stale, down"), stale.id(), staleKey.createRevision())).isNull();
		assertThat(inspector.value(KEY)).isEqualTo("replacement");
		assertThat(inspector.key(PARKED)).isNull();
		// Nor overwrite a key that exists where it moves to.
		RegisteredKey mine = registry.register("/services/default/orders/o2", "/services/default/~parked/orders/o2",
				bytes("mine"), stale.id(), (kv) -> false);
		inspector.put("/services/default/~parked/orders/o2", "theirs", replacement);
		assertThat(registry.move("/services/default/orders/o2", "/services/default/~parked/orders/o2", bytes("down"),
				stale.id(), mine.createRevision()))
			.isNull();
		assertThat(inspector.value("/services/default/orders/o2")).isEqualTo("mine");
		assertThat(inspector.value("/services/default/~parked/orders/o2")).isEqualTo("theirs");
	}

	@Test
	void everyCallHasADeadline() {
		RegistrationStore slow = new EtcdRegistrationStore(client, Duration.ofMillis(300));
		etcd.pause();
		try {
			assertThatExceptionOfType(EtcdCallException.class).isThrownBy(() -> slow.grant(Duration.ofSeconds(10)))
				.withMessageContaining("timed out after 300ms");
			assertThatExceptionOfType(EtcdCallException.class).isThrownBy(() -> slow.read(KEY))
				.withMessageContaining("timed out");
		}
		finally {
			etcd.resume();
		}
	}

	@Test
	void layoutKeysFollowTheInstanceKeyInItsTransactions() {
		RegistrationStore store = new EtcdRegistrationStore(client, Duration.ofSeconds(5), List.of(),
				new LayoutPublisher(
						List.of(new PlainCodec("/services/"), new KitexCodec(Layout.KITEX, "kitex/registry-etcd/")),
						"/services/default/"));
		String plain = "/services/orders/orders-1";
		String kitex = "kitex/registry-etcd/orders/10.0.0.7:8080";
		GrantedLease lease = store.grant(Duration.ofSeconds(30));
		RegisteredKey registered = store.register(KEY, PARKED, value(InstanceStatus.UP), lease.id(), (kv) -> false);
		assertThat(inspector.value(plain)).isEqualTo("10.0.0.7:8080");
		assertThat(inspector.key(plain).getLease()).isEqualTo(lease.id());
		assertThat(inspector.key(kitex).getModRevision()).isEqualTo(inspector.key(KEY).getModRevision());
		RegisteredKey parked = store.move(KEY, PARKED, value(InstanceStatus.OUT_OF_SERVICE), lease.id(),
				registered.createRevision());
		assertThat(parked).isNotNull();
		assertThat(inspector.key(plain)).as("not UP: no layout key").isNull();
		assertThat(inspector.key(kitex)).isNull();
		RegisteredKey up = store.move(PARKED, KEY, value(InstanceStatus.UP), lease.id(), parked.createRevision());
		assertThat(up).isNotNull();
		assertThat(inspector.key(plain).getModRevision()).isEqualTo(up.revision());
		assertThat(store.withdraw(KEY, up.createRevision())).isTrue();
		assertThat(inspector.isLeaseAlive(lease.id())).as("the lease outlives the withdrawal").isTrue();
		assertThat(inspector.key(plain)).as("withdrawn with the instance key").isNull();
		assertThat(inspector.key(kitex)).isNull();
		store.revoke(lease.id());
	}

	private static byte[] value(InstanceStatus status) {
		return new NamingFormat().encode(
				new ServiceRegistration("default", "orders", "orders-1", "10.0.0.7", 8080, false, Map.of(), status),
				Instant.parse("2026-01-02T03:04:05Z"));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
