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

package io.etcddiscovery.etcd;

import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.ClientBuilder;
import io.etcddiscovery.autoconfigure.EtcdClientBuilderCustomizer;
import io.grpc.ClientInterceptor;

/**
 * Takes the member failover off the auto-configured client again: jetcd's own
 * {@code round_robin} and no watchdog, the client as it would be without the failover,
 * for measuring the alternatives to it.
 *
 * @author etcd-discovery authors
 */
public final class WithoutMemberFailover implements EtcdClientBuilderCustomizer {

	@Override
	public void customize(ClientBuilder builder) {
		builder.loadBalancerPolicy("round_robin");
		List<ClientInterceptor> interceptors = new ArrayList<>(builder.interceptors());
		interceptors.removeIf(MemberWatchdog.class::isInstance);
		builder.interceptors(interceptors);
	}

}
