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

import java.util.Map;

import io.etcddiscovery.etcd.InstanceStatus;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HealthStatusSource}.
 *
 * @author etcd-discovery authors
 */
class HealthStatusSourceTests {

	private static final HealthIndicator UP = () -> Health.up().build();

	private static final HealthIndicator DOWN = () -> Health.down().build();

	@Test
	void etcdBeingUnreachableIsNotAReasonToPublishDown() {
		Map<String, HealthContributor> contributors = Map.of("db", UP, "etcd", DOWN, "discoveryComposite",
				CompositeHealthContributor.fromMap(Map.of("discoveryClient", UP, "etcd", DOWN)),
				"reactiveDiscoveryClients", CompositeHealthContributor.fromMap(Map.of("etcd", DOWN)));
		assertThat(new HealthStatusSource(CompositeHealthContributor.fromMap(contributors), null, null).evaluate())
			.isEqualTo(InstanceStatus.UP);
	}

	@Test
	void anyOtherDownContributorIsDown() {
		Map<String, HealthContributor> contributors = Map.of("db", DOWN, "discoveryComposite",
				CompositeHealthContributor.fromMap(Map.of("etcd", UP)));
		assertThat(new HealthStatusSource(CompositeHealthContributor.fromMap(contributors), null, null).evaluate())
			.isEqualTo(InstanceStatus.DOWN);
	}

}
