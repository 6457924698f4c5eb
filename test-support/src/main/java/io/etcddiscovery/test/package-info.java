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

/**
 * Runs real {@code etcd} processes for tests: {@link io.etcddiscovery.test.EtcdCluster}
 * and {@link io.etcddiscovery.test.EtcdMember} start, stop, kill, pause and wipe them,
 * and {@link io.etcddiscovery.test.EtcdExtension} ties them to the JUnit Jupiter
 * lifecycle. {@link io.etcddiscovery.test.EtcdCertificates} generates the certificates of
 * an etcd that serves TLS. {@link io.etcddiscovery.test.TcpProxy} cuts or partitions a
 * client's connections to etcd, {@link io.etcddiscovery.test.FaultySockets} fails like a
 * crashed or hung instance.
 */
@NullMarked
package io.etcddiscovery.test;

import org.jspecify.annotations.NullMarked;
