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

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EtcdGateway}.
 *
 * @author etcd-discovery authors
 */
class EtcdGatewayTests {

	private static final String STATUS = """
			{"header":{"cluster_id":"10209395086029371855","member_id":"13510015062231200447",\
			"revision":"7","raft_term":"2"},"version":"3.4.23","dbSize":"20480",\
			"leader":"13510015062231200447","raftIndex":"5"}""";

	@Test
	void readsQuotedIntegers() {
		assertThat(EtcdGateway.field(STATUS, "member_id")).isEqualTo("13510015062231200447");
		assertThat(EtcdGateway.field(STATUS, "leader")).isEqualTo("13510015062231200447");
		assertThat(EtcdGateway.field(STATUS, "revision")).isEqualTo("7");
	}

	@Test
	void readsUnquotedValues() {
		assertThat(EtcdGateway.field("{\"code\": 11, \"ok\":true}", "code")).isEqualTo("11");
		assertThat(EtcdGateway.field("{\"code\": 11, \"ok\":true}", "ok")).isEqualTo("true");
	}

	@Test
	void doesNotMatchFieldsThatOnlyEndWithTheName() {
		String kv = "{\"kvs\":[{\"mod_revision\":\"9\"}],\"header\":{\"revision\":\"12\"}}";
		assertThat(EtcdGateway.field(kv, "revision")).isEqualTo("12");
	}

	@Test
	void returnsNullForMissingField() {
		assertThat(EtcdGateway.field(STATUS, "deleted")).isNull();
	}

}
