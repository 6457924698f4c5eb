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
package io.etcddiscovery.etcd.layout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LayoutPublisher}.
 *
 * @author etcd-discovery authors
 */
class LayoutPublisherTests {

	private static final String KEY = "/services/default/orders/orders-1";

	private static final String PARKED_KEY = "/services/default/~parked/orders/orders-1";

	private final NamingFormat format = new NamingFormat();

	private final ServiceRegistration registration = new ServiceRegistration("default", "orders", "orders-1",
			"10.0.0.7", 8080, false, Map.of("zone", "eu-1"), InstanceStatus.UP);

	private final LayoutPublisher publisher = new LayoutPublisher(
			List.of(new PlainCodec("/services/"), new GoZeroCodec(Map.of("orders", "orders.rpc"))),
			"/services/default/");

	@Test
	void publishesAnUpInstanceAtItsInstanceKeyInEveryLayout() {
		assertThat(this.publisher.keysFor(KEY, value(InstanceStatus.UP), 42)).containsExactly(
				new PublishedKey("/services/orders/orders-1", "10.0.0.7:8080"),
				new PublishedKey("orders.rpc/42", "10.0.0.7:8080"));
	}

	@Test
	void publishesNothingForAnInstanceThatIsNotUp() {
		assertThat(this.publisher.keysFor(PARKED_KEY, value(InstanceStatus.OUT_OF_SERVICE), 42)).isEmpty();
		assertThat(this.publisher.keysFor(KEY, value(InstanceStatus.DOWN), 42)).isEmpty();
	}

	@Test
	void publishesAKeyOnceWhenTwoLayoutsWriteIt() {
		LayoutPublisher overlapping = new LayoutPublisher(
				List.of(new PlainCodec("/services/"), new GoKitCodec(Map.of("orders", "/services/orders/"))),
				"/services/default/");
		assertThat(overlapping.keysFor(KEY, value(InstanceStatus.UP), 42))
			.containsExactly(new PublishedKey("/services/orders/orders-1", "10.0.0.7:8080"));
	}

	private byte[] value(InstanceStatus status) {
		return this.format.encode(this.registration.withStatus(status), Instant.parse("2026-01-02T03:04:05Z"));
	}

}
