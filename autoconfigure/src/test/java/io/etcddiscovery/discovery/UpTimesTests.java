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
package io.etcddiscovery.discovery;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import io.etcddiscovery.etcd.InstanceStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UpTimes}.
 *
 * @author etcd-discovery authors
 */
class UpTimesTests {

	private final AtomicLong ticker = new AtomicLong(1_000);

	private final UpTimes upTimes = new UpTimes(this.ticker::get);

	@Test
	void instancesUpAtStartHaveNoTime() {
		this.upTimes.seen(List.of(instances(up("a"), up("b"))), true);
		this.ticker.set(2_000);
		this.upTimes.seen(List.of(instances(up("a"), up("b"))), false);
		assertThat(this.upTimes.upSince(key("a"))).isEmpty();
		assertThat(this.upTimes.upSince(key("b"))).isEmpty();
	}

	@Test
	void anInstanceThatJoinsLaterIsTimedWhenFirstSeenUp() {
		this.upTimes.seen(List.of(instances(up("a"))), true);
		this.ticker.set(2_000);
		this.upTimes.seen(List.of(instances(up("a"), instance("b", InstanceStatus.STARTING))), false);
		assertThat(this.upTimes.upSince(key("b"))).isEmpty();
		this.ticker.set(3_000);
		this.upTimes.seen(List.of(instances(up("a"), up("b"))), false);
		this.ticker.set(4_000);
		// Changed in place (metadata, a new revision): still UP since the first time.
		this.upTimes.seen(List.of(instances(up("a"), up("b"))), false);
		assertThat(this.upTimes.upSince(key("b"))).isEqualTo(OptionalLong.of(3_000));
		assertThat(this.upTimes.upSince(key("a"))).isEmpty();
	}

	@Test
	void anInstanceBackUpIsTimedAgain() {
		this.upTimes.seen(List.of(instances(up("a"), up("b"))), true);
		this.upTimes.seen(List.of(instances(up("a"), instance("b", InstanceStatus.OUT_OF_SERVICE))), false);
		assertThat(this.upTimes.upSince(key("b"))).isEmpty();
		this.ticker.set(5_000);
		this.upTimes.seen(List.of(instances(up("a"), up("b"))), false);
		assertThat(this.upTimes.upSince(key("b"))).isEqualTo(OptionalLong.of(5_000));
		// Deleted (its lease lost), then put again.
		this.upTimes.seen(List.of(instances(up("a"))), false);
		assertThat(this.upTimes.upSince(key("b"))).isEmpty();
		this.ticker.set(7_000);
		this.upTimes.seen(List.of(instances(up("a"), up("b"))), false);
		assertThat(this.upTimes.upSince(key("b"))).isEqualTo(OptionalLong.of(7_000));
	}

	@Test
	void aServiceThatAppearsAfterStartIsTimed() {
		this.upTimes.seen(List.of(instances(up("a"))), true);
		List<DiscoveredInstance> payments = List.of(up("payments", "p"));
		this.upTimes.seen(List.of(new ServiceInstances("payments", payments, payments)), false);
		assertThat(this.upTimes.upSince(key("payments", "p"))).isEqualTo(OptionalLong.of(1_000));
	}

	@Test
	void aServiceThatVanishesForgetsItsTimes() {
		this.upTimes.seen(List.of(instances()), true);
		this.upTimes.seen(List.of(instances(up("a"))), false);
		assertThat(this.upTimes.upSince(key("a"))).isPresent();
		this.upTimes.seen(List.of(ServiceInstances.empty("orders")), false);
		assertThat(this.upTimes.upSince(key("a"))).isEmpty();
	}

	private static ServiceInstances instances(DiscoveredInstance... instances) {
		List<DiscoveredInstance> all = List.of(instances);
		return new ServiceInstances("orders", all, all.stream().filter(DiscoveredInstance::isUp).toList());
	}

	private static DiscoveredInstance up(String id) {
		return instance(id, InstanceStatus.UP);
	}

	private static DiscoveredInstance up(String service, String id) {
		return instance(service, id, InstanceStatus.UP);
	}

	private static DiscoveredInstance instance(String id, InstanceStatus status) {
		return instance("orders", id, status);
	}

	private static DiscoveredInstance instance(String service, String id, InstanceStatus status) {
		return new DiscoveredInstance(service, id, "127.0.0.1", 8080, false, status, Map.of(), "127.0.0.1:8080",
				key(service, id), 1, null);
	}

	private static String key(String id) {
		return key("orders", id);
	}

	private static String key(String service, String id) {
		return "/services/default/" + service + "/" + id;
	}

}
